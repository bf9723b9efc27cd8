import Foundation
import TestSupport
import Testing

/// `--precision`, `bench --precisions` and `compare-precision` as a user runs them.
@Suite struct PrecisionCLITests {
    @Test func reducedPrecisionsClassifyNearFP32() throws {
        let expected = try Fixtures.json("models/tiny-bert-cls/expected.json")
        let logits = (expected["logits"] as! [[Double]])[0]
        for (precision, bound) in [("fp32", 1e-4), ("fp16", 1e-4), ("bf16", 5e-4), ("int8", 3e-3)] {
            let run = try CLITests.run(
                ["classify", "--model", CLITests.tiny, "--precision", precision],
                stdin: Data("the cat sat on the mat\n".utf8))
            #expect(run.status == 0, "\(run.stderr)")
            let line = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
            let got = line["logits"] as! [Double]
            let drift = zip(got, logits).map { abs($0 - $1) }.max() ?? .infinity
            #expect(drift <= bound, "\(precision): \(drift)")
        }
    }

    /// A kernel that cannot get its scratch reports it: int8 products quantize their activations into per-thread
    /// scratch, and with the scratch capped below what they need the run fails in one line naming the product,
    /// instead of returning numbers from rows that were never computed. fp32 products need no scratch.
    @Test func kernelsThatCannotAllocateScratchFail() throws {
        let input = Data("the cat sat on the mat\n".utf8)
        let capped = ["BERTKIT_SCRATCH_LIMIT": "64"]
        let int8 = try CLITests.run(["embed", "--model", CLITests.tiny, "--precision", "int8"], stdin: input, environment: capped)
        CLITests.expectFailure(int8, "scratch could not be allocated")
        #expect(int8.stdout.isEmpty, "\(int8.stdout.prefix(80))")
        #expect(int8.stderr.contains("encoder.layer.0.") || int8.stderr.contains("packing"), "\(int8.stderr)")
        let fp32 = try CLITests.run(["embed", "--model", CLITests.tiny], stdin: input, environment: capped)
        #expect(fp32.status == 0, "\(fp32.stderr)")
        let uncapped = try CLITests.run(["embed", "--model", CLITests.tiny, "--precision", "int8"], stdin: input)
        #expect(uncapped.status == 0, "\(uncapped.stderr)")
    }

    @Test func badPrecisionRequestsAreOneLineErrors() throws {
        let input = Data("hi\n".utf8)
        CLITests.expectFailure(
            try CLITests.run(["embed", "--model", CLITests.tiny, "--precision", "int4"], stdin: input),
            "int4")
        CLITests.expectFailure(
            try CLITests.run(
                ["embed", "--model", CLITests.tiny, "--precision", "int8", "--backend", "torchscript"],
                stdin: input),
            "--precision int8: the torchscript backend runs fp32, not int8")
        CLITests.expectFailure(
            try CLITests.run(
                ["embed", "--model", CLITests.tiny, "--precision", "int8", "--backend", "onnxruntime"],
                stdin: input),
            "bertkit export --format onnx --quantize int8")
        CLITests.expectFailure(
            try CLITests.run([
                "export", "--model", CLITests.tiny, "--output", NSTemporaryDirectory() + "q.onnx",
                "--quantize", "int4",
            ]),
            "unknown --quantize int4")
        CLITests.expectFailure(
            try CLITests.run([
                "export", "--model", CLITests.tiny, "--output", NSTemporaryDirectory() + "q.onnx",
                "--quantize", "int8", "--optimize",
            ]),
            "drop --optimize")
        CLITests.expectFailure(
            try CLITests.run(["compare-precision", "--model", CLITests.tiny, "--data", "/nonexistent.txt"]),
            "/nonexistent.txt")
        CLITests.expectFailure(
            try CLITests.run([
                "compare-precision", "--model", CLITests.tiny, "--data", "/dev/null",
                "--precision", "fp32",
            ]),
            "name at least one of bf16, fp16, int8")
    }

    @Test func comparePrecisionReportsAgreementAndMemory() throws {
        let data = try BenchCLITests.data()
        let run = try CLITests.run([
            "compare-precision", "--model", CLITests.tiny, "--data", data, "--precision", "bf16,int8",
            "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.map { $0["precision"] as? String } == ["bf16", "int8"])
        for line in lines {
            #expect(line["task"] as? String == "classify")
            #expect(line["sequences"] as? Int == 30)
            let agreement = try #require(line["argmaxAgreement"] as? Double)
            #expect(agreement >= 0.9 && agreement <= 1)
            let drift = try #require(line["logitMaxDrift"] as? Double)
            #expect(drift > 0 && drift < 0.2)
            let ratio = Double(line["weightBytes"] as! Int) / Double(line["fp32WeightBytes"] as! Int)
            #expect(ratio < (line["precision"] as? String == "int8" ? 0.6 : 0.8), "\(ratio)")
        }
    }

    @Test func benchMeasuresPrecisionsAndTheirAccuracy() throws {
        let data = try BenchCLITests.data(), out = BenchCLITests.folder()
        let run = try CLITests.run([
            "bench", "--model", CLITests.tiny, "--data", data, "--out", out, "--backends", "native-packed",
            "--precisions", "fp32,int8", "--batch-sizes", "1,8", "--orderings", "sorted", "--lengths", "none",
            "--repeats", "1", "--threads", "1",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let results =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/results.json"))) as! [String: Any]
        let cells = try #require(results["cells"] as? [[String: Any]])
        let precisions = Set(cells.compactMap { ($0["spec"] as? [String: Any])?["precision"] as? String })
        #expect(precisions == ["fp32", "int8"])
        let accuracy = try #require(results["accuracy"] as? [[String: Any]])
        #expect(accuracy.count == 1 && accuracy.first?["precision"] as? String == "int8")
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(report.contains("Precision: speed and accuracy against fp32"))
        CLITests.expectFailure(
            try CLITests.run([
                "bench", "--model", CLITests.tiny, "--data", data, "--out", out,
                "--precisions", "fp64",
            ]), "--precisions: fp64 is not a precision")
    }
}

import BertBench
import Foundation
import TestSupport
import Testing

/// `bertkit tune` end to end on the tiny classifier, and `--config` in classify, bench and serve.
@Suite struct TuneCLITests {
    static func dataFile() throws -> String {
        let folder = try Fixtures.temporaryDirectory()
        let lines = (0..<48).map { i in
            ["the cat sat on the mat", "a quick brown fox runs over the lazy dog and the cat", "tea", "I love this movie, great film"][
                i % 4] + " \(i)"
        }
        let path = folder.appendingPathComponent("data.txt").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func tuneWritesASetupThatConfigUses() throws {
        let data = try Self.dataFile()
        let out = try Fixtures.temporaryDirectory().appendingPathComponent("tune").path
        let run = try CLITests.run([
            "tune", "--model", CLITests.tiny, "--data", data, "--out", out, "--budget", "60s", "--sample", "32",
            "--threads", "1", "--batch-sizes", "4,16", "--precisions", "fp32,bf16", "--backends", "native", "--quiet",
            "--serve-check", "2", "--serve-connections", "8",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("chosen: native-"))
        #expect(run.stdout.contains("served over HTTP: "), "\(run.stdout)")
        let results = try TuneResults.load(out)
        #expect(results.candidates == 2 * 2 * 3 * 2)
        #expect(results.complete && results.spentSeconds <= 60)
        let setup = try #require(results.setup)
        // The serve check served the chosen setup over HTTP: answers within its 1.5 s window, latencies in order.
        let served = try #require(setup.served, "\(results.servedNote ?? "")")
        #expect(served.connections == 8 && served.seconds == 1.5)
        #expect(served.requestsPerSecond > 0 && served.p50Ms > 0 && served.p50Ms <= served.p99Ms)
        #expect(try String(contentsOfFile: out + "/report.md", encoding: .utf8).contains("Served over HTTP on this machine"))
        let chosen = try #require(results.chosen)
        // What was chosen was measured, at the last rung, and is the best there.
        let lastRung = results.trials.filter { $0.rung == results.rungs.count - 1 && $0.figures != nil }
        #expect(lastRung.contains { $0.candidate == chosen.candidate })
        #expect(lastRung.allSatisfy { ($0.figures?.sequencesPerSecond ?? 0) <= setup.sequencesPerSecond })
        #expect(results.accuracy.map(\.precision) == ["bf16"] && results.accuracy.first?.argmaxAgreement != nil)
        for file in ["tune.json", "report.md", "index.html", "tune-accuracy.svg", "tune-latency.svg"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }

        // classify --config runs the chosen setup: the same logits as the same options given by hand.
        let input = Data("the cat sat on the mat\nterrible film, bad music\n".utf8)
        let configured = try CLITests.run(["classify", "--model", CLITests.tiny, "--config", out + "/tune.json"], stdin: input)
        #expect(configured.status == 0 && !configured.stderr.contains("warning"), "\(configured.stderr)")
        let byHand = try CLITests.run(
            [
                "classify", "--model", CLITests.tiny, "--precision", setup.precision.rawValue, "--threads", "\(setup.threads)",
                "--execution", setup.backend == "native-padded" ? "padded" : "packed",
            ], stdin: input)
        #expect(configured.stdout == byHand.stdout)
        // An option given on the command line wins over the file.
        let fp32 = try CLITests.run(
            ["classify", "--model", CLITests.tiny, "--config", out + "/tune.json", "--precision", "fp32"], stdin: input)
        let plain = try CLITests.run(["classify", "--model", CLITests.tiny], stdin: input)
        #expect(fp32.stdout == plain.stdout)

        // bench --config measures that one setup.
        let benchOut = out + "-bench"
        let bench = try CLITests.run([
            "bench", "--model", CLITests.tiny, "--data", data, "--out", benchOut, "--config", out + "/tune.json",
            "--repeats", "1", "--quiet",
        ])
        #expect(bench.status == 0, "\(bench.stderr)")
        let cells = try BenchResults.load(benchOut).cells
        #expect(cells.map(\.key) == [chosen.candidate.key])
    }

    /// A budget too small for the serve check says so in tune.json instead of overrunning; `--serve-check 0` has none.
    @Test func serveCheckNeedsItsBudget() throws {
        let data = try Self.dataFile()
        let space = [
            "--sample", "16", "--threads", "1", "--batch-sizes", "4", "--precisions", "fp32", "--orderings", "unsorted", "--backends",
            "native", "--quiet",
        ]
        let small = try Fixtures.temporaryDirectory().appendingPathComponent("small").path
        let run = try CLITests.run(["tune", "--model", CLITests.tiny, "--data", data, "--out", small, "--budget", "20s"] + space)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stdout.contains("serve check: not served: the budget (20 s) is under four times the serve check's 15 s"), "\(run.stdout)")
        let results = try TuneResults.load(small)
        #expect(results.setup != nil && results.setup?.served == nil)
        let none = try Fixtures.temporaryDirectory().appendingPathComponent("none").path
        let off = try CLITests.run(
            ["tune", "--model", CLITests.tiny, "--data", data, "--out", none, "--budget", "20s", "--serve-check", "0"] + space)
        #expect(off.status == 0 && !off.stdout.contains("serve check") && !off.stdout.contains("served over HTTP"), "\(off.stdout)")
        #expect(try TuneResults.load(none).servedNote == nil)
        CLITests.expectFailure(
            try CLITests.run(["tune", "--model", CLITests.tiny, "--data", data, "--serve-check=-1"] + space),
            "--serve-check: give 0 or more seconds")
    }

    @Test func configFromAnotherMachineWarns() throws {
        let folder = try Fixtures.temporaryDirectory()
        let file = folder.appendingPathComponent("tune.json").path
        let setup = """
            {"setup": {"backend": "native-packed", "precision": "fp32", "threads": 1, "batching": {"kind": "sorted", "batchSize": 8},
             "machine": {"cpu": "Some Other CPU", "cores": 96, "kernels": "neon", "cpuFlags": []}, "sequencesPerSecond": 100, "p95BatchMs": 5}}
            """
        try setup.write(toFile: file, atomically: true, encoding: .utf8)
        let run = try CLITests.run(["embed", "--model", CLITests.tiny, "--config", file], stdin: Data("the cat\n".utf8))
        #expect(run.status == 0)
        #expect(
            run.stderr.contains("bertkit: warning: the tune file was measured on another machine (Some Other CPU): 96 cores there"),
            "\(run.stderr)")
        try "{\"setup\": {\"backend\": \"native-packed\"}}".write(toFile: file, atomically: true, encoding: .utf8)
        CLITests.expectFailure(
            try CLITests.run(["embed", "--model", CLITests.tiny, "--config", file], stdin: Data("the cat\n".utf8)),
            "not a tune file: missing field")
        CLITests.expectFailure(
            try CLITests.run(["tune", "--model", CLITests.tiny, "--data", file, "--budget", "soon"]), "--budget: 'soon' is not a duration")
    }
}

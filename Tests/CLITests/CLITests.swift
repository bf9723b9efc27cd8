import Foundation
import TestSupport
import Testing

/// The `bertkit` executable, run as a user runs it: JSON Lines out, one-line errors and exit status 1 on bad input.
@Suite struct CLITests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The built executable: `$BERTKIT_BIN`, else the newer of `.build/release/bertkit` and `.build/debug/bertkit`.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["BERTKIT_BIN"] { return path }
        let candidates = ["release", "debug"].map { Fixtures.root.appendingPathComponent(".build/\($0)/bertkit").path }
        func modified(_ path: String) -> Date {
            (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantPast
        }
        return candidates.max { modified($0) < modified($1) } ?? candidates[0]
    }

    static func run(_ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Written beside the reads: a streaming command answers before it has read all of its input.
        let writer = input.fileHandleForWriting
        let feeding = Thread {
            writer.write(stdin)
            try? writer.close()
        }
        feeding.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }

    static let tiny = Fixtures.path("models/tiny-bert-cls")

    /// Asserts a failure with one line on stderr containing `message`.
    static func expectFailure(_ run: Run, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 1, sourceLocation: sourceLocation)
        #expect(run.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(run.stderr.hasPrefix("bertkit: error: "), "\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr.contains(message), "\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)", sourceLocation: sourceLocation)
    }

    @Test func tokenizeWritesJSONLinesInInputOrder() throws {
        let run = try Self.run(
            ["tokenize", "--model", Self.tiny],
            stdin: Data("The cat\n{\"text\": \"a dog\", \"text_pair\": \"the mat\"}\n".utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 2)
        #expect(lines[0]["tokens"] as? [String] == ["[CLS]", "the", "cat", "[SEP]"])
        #expect(lines[1]["type_ids"] as? [Int] == [0, 0, 0, 0, 1, 1, 1])
        #expect(lines[1]["attention_mask"] as? [Int] == [1, 1, 1, 1, 1, 1, 1])
    }

    @Test func classifyPrintsLabelScoreAndLogits() throws {
        let expected = try Fixtures.json("models/tiny-bert-cls/expected.json")
        let logits = (expected["logits"] as! [[Double]])[0]
        let run = try Self.run(["classify", "--model", Self.tiny, "--batch-size", "1"], stdin: Data("the cat sat on the mat\n".utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let line = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let got = line["logits"] as! [Double]
        for (a, b) in zip(got, logits) { #expect(abs(a - b) < 1e-4) }
        #expect(["negative", "neutral", "positive"].contains(line["label"] as! String))
    }

    @Test func embedOnATinyModelGivesOneVectorPerLine() throws {
        let run = try Self.run(["embed", "--model", Self.tiny, "--batch-size", "2"], stdin: Data("a\nb c\nd e f\n".utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let vectors = run.stdout.split(separator: "\n").map {
            (try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["embedding"] as! [Double]
        }
        #expect(vectors.count == 3 && vectors.allSatisfy { $0.count == 48 })
    }

    static func vectors(_ run: Run) -> [[Double]] {
        run.stdout.split(separator: "\n").map {
            (try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["embedding"] as! [Double]
        }
    }

    @Test(arguments: [
        ["--batching", "fixed", "--batch-size", "1"], ["--batching", "tokens", "--max-batch-tokens", "12"],
        ["--execution", "padded", "--batching", "fixed", "--batch-size", "3"], ["--threads", "1", "--max-length", "30"],
    ])
    func batchingAndEngineOptionsKeepResultsAndOrder(options: [String]) throws {
        let input = Data("a\nthe cat sat on the mat with the dog\nb c\nwhat a great game we play\nno\n".utf8)
        let reference = Self.vectors(try Self.run(["embed", "--model", Self.tiny], stdin: input))
        let run = try Self.run(["embed", "--model", Self.tiny] + options, stdin: input)
        #expect(run.status == 0, "\(run.stderr)")
        let got = Self.vectors(run)
        #expect(got.count == 5 && reference.count == 5)
        for (a, b) in zip(got, reference) {
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }, "\(options)")
        }
    }

    @Test func badBatchingOptionsAreErrors() throws {
        Self.expectFailure(
            try Self.run(["embed", "--model", Self.tiny, "--batch-size", "0"], stdin: Data("a\n".utf8)),
            "batch size must be positive, got 0")
        Self.expectFailure(
            try Self.run(
                ["embed", "--model", Self.tiny, "--batching", "tokens", "--max-batch-tokens=-3"],
                stdin: Data("a\n".utf8)), "max batch tokens must be positive, got -3")
        let bad = try Self.run(["embed", "--model", Self.tiny, "--execution", "sideways"], stdin: Data("a\n".utf8))
        #expect(bad.status != 0 && bad.stderr.contains("sideways"))
    }

    @Test func timingIsReportedOnStderr() throws {
        let run = try Self.run(["embed", "--model", Self.tiny, "--timing"], stdin: Data("a\nb c\n".utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let timing = try JSONSerialization.jsonObject(with: Data(run.stderr.utf8)) as! [String: Any]
        #expect(timing["sequences"] as? Int == 2)
        #expect(timing["tokens"] as? Int == 7)
        #expect((timing["model_ms"] as? Double ?? -1) >= 0)
    }

    @Test func classifyWithoutHeadSuggestsEmbed() throws {
        if let missing = Fixtures.miniLMMissing { Issue.record(Comment(rawValue: missing)); return }
        Self.expectFailure(
            try Self.run(["classify", "--model", Fixtures.miniLM], stdin: Data("hi\n".utf8)),
            "has no classification head (no classifier weights); use `bertkit embed`")
    }

    @Test func missingFolderAndFile() throws {
        Self.expectFailure(try Self.run(["embed", "--model", "/no/such/model"]), "missing file or folder: /no/such/model")
        Self.expectFailure(
            try Self.run(["embed", "--model", Self.tiny, "--input", "/no/input.txt"]), "input file not found: /no/input.txt")
    }

    @Test func badInputLinesNameTheLine() throws {
        Self.expectFailure(
            try Self.run(["embed", "--model", Self.tiny], stdin: Data("ok\n{\"text\": \n".utf8)),
            "stdin line 2: malformed JSON")
        Self.expectFailure(
            try Self.run(["embed", "--model", Self.tiny], stdin: Data("ok\n{\"text\": 3}\n".utf8)),
            "stdin line 2: field 'text' must be a string")
        Self.expectFailure(
            try Self.run(["embed", "--model", Self.tiny], stdin: Data([0x61, 0x0A, 0xC3, 0x28, 0x0A])),
            "stdin line 2: invalid UTF-8")
        Self.expectFailure(
            try Self.run(["embed", "--model", Self.tiny], stdin: Data("ok\n\nfine\n".utf8)),
            "stdin line 2: the text is empty")
        let long = Array(repeating: "cat", count: 60).joined(separator: " ")
        Self.expectFailure(
            try Self.run(["classify", "--model", Self.tiny], stdin: Data("ok\n\(long)\n".utf8)),
            "stdin line 2: input has 62 tokens, more than the maximum of 40")
        let truncated = try Self.run(["classify", "--model", Self.tiny, "--truncate"], stdin: Data("ok\n\(long)\n".utf8))
        #expect(truncated.status == 0 && truncated.stdout.split(separator: "\n").count == 2)
    }

    @Test func brokenCheckpointsAreNamed() throws {
        let dir = try Fixtures.temporaryDirectory()
        for file in ["config.json", "tokenizer.json", "model.safetensors"] {
            try FileManager.default.copyItem(atPath: Self.tiny + "/" + file, toPath: dir.path + "/" + file)
        }
        // A safetensors header that lies about a tensor's size.
        var bytes = try Data(contentsOf: dir.appendingPathComponent("model.safetensors"))
        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        header = header.replacingOccurrences(of: "[3,48]", with: "[4,48]")
        bytes.replaceSubrange(8..<(8 + headerLength), with: Data(header.utf8))
        try bytes.write(to: dir.appendingPathComponent("model.safetensors"))
        Self.expectFailure(
            try Self.run(["classify", "--model", dir.path], stdin: Data("hi\n".utf8)),
            "corrupt safetensors file \(dir.path)/model.safetensors: tensor 'classifier.weight': shape [4, 48]")
        try Data(#"{"model_type": "gpt2"}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
        Self.expectFailure(try Self.run(["info", "--model", dir.path]), "unsupported model type 'gpt2'")
        try Data(#"{"model_type": "bert", "#.utf8).write(to: dir.appendingPathComponent("config.json"))
        Self.expectFailure(try Self.run(["info", "--model", dir.path]), "malformed JSON in \(dir.path)/config.json")
    }

    /// config.json values that would allocate without bound or read outside a table: errors naming the field or
    /// the first tensor the checkpoint lacks, exit status 1, no signal.
    @Test func hostileConfigValuesAreErrors() throws {
        let dir = try Fixtures.temporaryDirectory()
        let roberta = Fixtures.path("models/tiny-roberta-cls")
        for file in ["tokenizer.json", "model.safetensors"] {
            try FileManager.default.copyItem(atPath: roberta + "/" + file, toPath: dir.path + "/" + file)
        }
        let original = try String(contentsOfFile: roberta + "/config.json", encoding: .utf8)
        func config(_ key: String, _ value: String) throws {
            let pattern = try NSRegularExpression(pattern: "\"\(key)\": *-?[0-9]+")
            let edited = pattern.stringByReplacingMatches(
                in: original, range: NSRange(original.startIndex..., in: original),
                withTemplate: "\"\(key)\": \(value)")
            #expect(edited != original, "config.json has no \(key)")
            try edited.write(toFile: dir.path + "/config.json", atomically: true, encoding: .utf8)
        }
        try config("num_hidden_layers", "1000000000000")
        Self.expectFailure(
            try Self.run(["embed", "--model", dir.path], stdin: Data("hi\n".utf8)),
            "encoder.layer.2.attention.self.query.weight' is missing")
        try config("pad_token_id", "-5")
        Self.expectFailure(
            try Self.run(["embed", "--model", dir.path], stdin: Data("hi\n".utf8)),
            "pad_token_id")
        try config("pad_token_id", "9223372036854775807")
        Self.expectFailure(
            try Self.run(["embed", "--model", dir.path], stdin: Data("hi\n".utf8)),
            "pad_token_id")
    }

    @Test func missingOrMisshapedTensor() throws {
        let dir = try Fixtures.temporaryDirectory()
        for file in ["tokenizer.json", "model.safetensors"] {
            try FileManager.default.copyItem(atPath: Self.tiny + "/" + file, toPath: dir.path + "/" + file)
        }
        var config = try String(contentsOfFile: Self.tiny + "/config.json", encoding: .utf8)
        config = config.replacingOccurrences(of: "\"num_hidden_layers\": 2", with: "\"num_hidden_layers\": 3")
        try config.write(toFile: dir.path + "/config.json", atomically: true, encoding: .utf8)
        Self.expectFailure(
            try Self.run(["embed", "--model", dir.path], stdin: Data("hi\n".utf8)),
            "tensor 'encoder.layer.2.attention.self.query.weight' is missing")
        config = config.replacingOccurrences(of: "\"num_hidden_layers\": 3", with: "\"num_hidden_layers\": 2")
            .replacingOccurrences(of: "\"intermediate_size\": 80", with: "\"intermediate_size\": 64")
        try config.write(toFile: dir.path + "/config.json", atomically: true, encoding: .utf8)
        Self.expectFailure(
            try Self.run(["embed", "--model", dir.path], stdin: Data("hi\n".utf8)),
            "tensor 'bert.encoder.layer.0.intermediate.dense.weight' in \(dir.path)/model.safetensors has shape [80, 48], expected [64, 48]"
        )
    }

    @Test func infoDescribesTheModel() throws {
        let run = try Self.run(["info", "--model", Fixtures.path("models/tiny-roberta-cls")])
        #expect(run.status == 0, "\(run.stderr)")
        let info = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect(info["model_type"] as? String == "roberta")
        #expect(info["parameters"] as? Int == 48499)
        #expect(info["labels"] as? [String] == ["negative", "neutral", "positive"])
        #expect(info["classification_head"] as? Bool == true)
        let supported = try #require(info["kernels_supported"] as? [String])
        #expect(supported.contains("portable"))
        #expect(supported.contains(try #require(info["kernels"] as? String)))
    }

    /// `BERTKIT_ISA` forces the kernels' instruction set; a name that is not one, or one this CPU lacks, is a
    /// one-line error naming the variable.
    @Test func instructionSetCanBeForced() throws {
        let model = Fixtures.path("models/tiny-roberta-cls")
        let run = try Self.run(["info", "--model", model], environment: ["BERTKIT_ISA": "portable"])
        #expect(run.status == 0, "\(run.stderr)")
        let info = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect(info["kernels"] as? String == "portable")
        Self.expectFailure(
            try Self.run(
                ["embed", "--model", model], stdin: Data("hi\n".utf8),
                environment: ["BERTKIT_ISA": "sse9"]),
            "BERTKIT_ISA=sse9 is not an instruction set")
        #if arch(x86_64)
        let lacking = "neon"
        #else
        let lacking = "avx512"
        #endif
        Self.expectFailure(
            try Self.run(
                ["embed", "--model", model], stdin: Data("hi\n".utf8),
                environment: ["BERTKIT_ISA": lacking]),
            "instruction set \(lacking) is not supported by this CPU")
    }
}

/// `bertkit bench` as a user runs it.
@Suite struct BenchCLITests {
    static func folder() -> String { NSTemporaryDirectory() + "bertkit-cli-bench-\(UUID().uuidString)" }

    static func data() throws -> String {
        let path = folder() + ".txt"
        let lines = (0..<30).map { i in (0...(i % 7)).map { _ in "word" }.joined(separator: " ") }
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let small = [
        "--batch-sizes", "1,8", "--orderings", "unsorted,sorted", "--lengths", "16", "--repeats", "2",
        "--threads", "1", "--sweep-size", "8",
    ]

    @Test func writesEveryFileAndCompares() throws {
        let data = try Self.data(), a = Self.folder(), b = Self.folder()
        let run = try CLITests.run(["bench", "--model", CLITests.tiny, "--data", data, "--out", a] + Self.small)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("12 cells measured; report: \(a)/index.html"))
        #expect(run.stderr.isEmpty, "no progress bar when stderr is not a terminal: \(run.stderr)")
        for file in ["results.json", "results.csv", "report.md", "index.html", "batch.svg", "ordering.svg", "lengths.svg"] {
            #expect(FileManager.default.fileExists(atPath: "\(a)/\(file)"), "\(file)")
        }
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: a + "/results.json"))) as! [String: Any]
        #expect(results["complete"] as? Bool == true)
        #expect((results["cells"] as? [Any])?.count == 12)
        #expect((results["machine"] as? [String: Any])?["cores"] as? Int == ProcessInfo.processInfo.activeProcessorCount)

        let second = try CLITests.run(
            ["bench", "--model", CLITests.tiny, "--data", data, "--out", b, "--backends", "native-packed"] + Self.small)
        #expect(second.status == 0, "\(second.stderr)")
        let compare = try CLITests.run(["bench", "--compare", a, b])
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stdout.contains("6 cells in both:"))
        #expect(compare.stdout.contains("Only in A: 6 cells."))
        #expect(compare.stdout.contains("| condition | A:native-packed | A:native-padded | B:native-packed |"))
    }

    @Test func badOptionsAreOneLineErrors() throws {
        let data = try Self.data(), out = Self.folder()
        let base = ["bench", "--model", CLITests.tiny, "--data", data, "--out", out]
        CLITests.expectFailure(
            try CLITests.run(base + ["--backends", "onnxruntime"]),
            "backend 'onnxruntime' is not available: no ONNX model found")
        CLITests.expectFailure(
            try CLITests.run(base + ["--backends", "torchscript"]),
            "backend 'torchscript' is not available: ")
        CLITests.expectFailure(try CLITests.run(base + ["--backends", "tensorflow"]), "unknown backend 'tensorflow'")
        CLITests.expectFailure(try CLITests.run(base + ["--batch-sizes", "1,0"]), "--batch-sizes: '0' is not a positive whole number")
        CLITests.expectFailure(try CLITests.run(base + ["--orderings", "random"]), "--orderings: unknown ordering 'random'")
        CLITests.expectFailure(try CLITests.run(base + ["--repeats", "0"]), "repeats must be positive, got 0")
        CLITests.expectFailure(try CLITests.run(["bench", "--model", CLITests.tiny]), "bench needs --data FILE")
        CLITests.expectFailure(try CLITests.run(["bench", "--compare", out]), "--compare takes two results folders, got 1")
        CLITests.expectFailure(try CLITests.run(["bench", "--compare", out, out]), "cannot read benchmark results \(out): no such file")
        let empty = Self.folder() + ".txt"
        try Data().write(to: URL(fileURLWithPath: empty))
        CLITests.expectFailure(try CLITests.run(["bench", "--model", CLITests.tiny, "--data", empty]), "\(empty) holds no input lines")
    }

    @Test func ctrlCKeepsFinishedCellsAndResumeFinishes() throws {
        let data = try Self.data(), out = Self.folder()
        // Enough passes (a few seconds in all) that the run is still going when the first cell is saved.
        let arguments = [
            "bench", "--model", CLITests.tiny, "--data", data, "--out", out, "--repeats", "60", "--threads", "1",
            "--batch-sizes", "1,2,4,8", "--orderings", "unsorted,sorted", "--lengths", "none",
        ]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = arguments
        let error = Pipe()
        process.standardError = error
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let results = out + "/results.json"
        func savedCells() -> [[String: Any]] {
            guard let data = FileManager.default.contents(atPath: results),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return [] }
            return object["cells"] as? [[String: Any]] ?? []
        }
        let deadline = Date().addingTimeInterval(60)
        while savedCells().isEmpty && process.isRunning && Date() < deadline { usleep(20_000) }
        #expect(process.isRunning, "the run finished before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        let stderr = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(stderr.contains("run the same command with --resume to finish"), "\(stderr)")
        let kept = savedCells()
        #expect(kept.count >= 1 && kept.count < 16)
        #expect(FileManager.default.fileExists(atPath: out + "/index.html"), "the report shows the finished cells")

        let resumed = try CLITests.run(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming: \(kept.count) of 16 cells already measured"), "\(resumed.stderr)")
        let all = savedCells()
        #expect(all.count == 16)
        for cell in kept {
            let again = all.first { $0["key"] as? String == cell["key"] as? String }
            #expect(again?["repeatsMs"] as? [Double] == cell["repeatsMs"] as? [Double], "a kept cell was measured again")
        }
    }
}

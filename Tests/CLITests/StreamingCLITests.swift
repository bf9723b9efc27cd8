import Foundation
import TestSupport
import Testing

/// embed, classify and tokenize stream: a window of inputs at a time, written as each completes, ids carried, an
/// output file resumed after an interruption, a closed pipe ending quietly, memory bounded by the window.
@Suite struct StreamingCLITests {
    /// `count` distinct inputs of different lengths (within the tiny model's 40 tokens).
    static func inputFile(_ count: Int) throws -> String {
        let words = "the cat sat on a mat while one quick brown fox runs over the lazy dog".split(separator: " ")
        let lines = (0..<count).map { "line \($0): " + words.prefix(1 + $0 % 8).joined(separator: " ") }
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("inputs.txt")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    static func vectors(_ jsonLines: String) throws -> [[Double]] {
        try jsonLines.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["embedding"] as! [Double]
        }
    }

    static func maxDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).map { zip($0, $1).map { abs($0 - $1) }.max() ?? (($0.count == $1.count) ? 0 : .infinity) }.max() ?? 0
    }

    @Test func smallWindowsGiveTheWholeRunsOutput() throws {
        let input = try Self.inputFile(300)
        let whole = try CLITests.run(["embed", "--model", CLITests.tiny, "--input", input])
        let windowed = try CLITests.run(["embed", "--model", CLITests.tiny, "--input", input, "--window", "7", "--batching", "tokens"])
        #expect(whole.status == 0 && windowed.status == 0, "\(whole.stderr) \(windowed.stderr)")
        let a = try Self.vectors(whole.stdout), b = try Self.vectors(windowed.stdout)
        #expect(a.count == 300)
        #expect(whole.stdout == windowed.stdout, "\(Self.maxDifference(a, b))")
    }

    @Test func idsAreCarriedToEveryCommand() throws {
        let input = Data(
            #"""
            {"text": "a cat", "id": 7}
            {"text": "b", "text_pair": "c", "id": "x\"y"}
            plain text
            {"text": "z", "id": 1.5}

            """#.utf8)
        for command in ["embed", "classify", "tokenize"] {
            let run = try CLITests.run([command, "--model", CLITests.tiny, "--window", "2"], stdin: input)
            #expect(run.status == 0, "\(command): \(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 4)
            #expect(lines[0].hasPrefix(#"{"id":7,""#), "\(command): \(lines[0].prefix(40))")
            #expect(lines[1].hasPrefix(#"{"id":"x\"y","#), "\(command): \(lines[1].prefix(40))")
            #expect(!lines[2].contains(#""id""#))
            #expect(lines[3].hasPrefix(#"{"id":1.5,"#))
        }
        CLITests.expectFailure(
            try CLITests.run(["embed", "--model", CLITests.tiny], stdin: Data(#"{"text": "a", "id": [1]}"#.utf8)),
            "stdin line 1: field 'id' must be a string or a number")
    }

    /// A file cut after some lines and in the middle of the next (as a killed run leaves it) is completed by
    /// `--resume` into the output of one uninterrupted run.
    @Test func resumeCompletesACutFile() throws {
        let input = try Self.inputFile(250)
        let dir = try Fixtures.temporaryDirectory()
        let full = dir.appendingPathComponent("full.jsonl").path, cut = dir.appendingPathComponent("cut.jsonl").path
        #expect(try CLITests.run(["embed", "--model", CLITests.tiny, "--input", input, "--output", full]).status == 0)
        let text = try String(contentsOfFile: full, encoding: .utf8)
        let lines = text.split(separator: "\n")
        try (lines.prefix(90).joined(separator: "\n") + "\n" + lines[90].prefix(25)).write(toFile: cut, atomically: true, encoding: .utf8)
        let resumed = try CLITests.run(["embed", "--model", CLITests.tiny, "--input", input, "--output", cut, "--resume", "--window", "64"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        // The same file, byte for byte: a sequence's embedding does not depend on the window or batch it lands in.
        let after = try String(contentsOfFile: cut, encoding: .utf8)
        let drift = Self.maxDifference(try Self.vectors(after), try Self.vectors(text))
        #expect(after == text, "\(drift)")
        CLITests.expectFailure(
            try CLITests.run(["embed", "--model", CLITests.tiny, "--resume"], stdin: Data("a\n".utf8)), "--resume needs --output")
        // An output with more lines than the input is not this input's.
        let short = try Self.inputFile(10)
        CLITests.expectFailure(
            try CLITests.run(["embed", "--model", CLITests.tiny, "--input", short, "--output", cut, "--resume"]),
            "it is not this input's output")
    }

    /// Ctrl-C finishes the window in hand, writes it, exits 130; every line of the file is complete, and resuming
    /// gives the uninterrupted run's output.
    @Test func interruptedRunResumesToTheSameOutput() async throws {
        let input = try Self.inputFile(40_000)
        let dir = try Fixtures.temporaryDirectory()
        let full = dir.appendingPathComponent("full.jsonl").path, part = dir.appendingPathComponent("part.jsonl").path
        let status = try await offPool { () throws -> Int32 in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLITests.binary)
            process.arguments = ["embed", "--model", CLITests.tiny, "--input", input, "--output", part, "--window", "256"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, ((try? FileManager.default.attributesOfItem(atPath: part)[.size] as? Int) ?? 0) < 100_000 {
                Thread.sleep(forTimeInterval: 0.02)
            }
            process.interrupt()
            process.waitUntilExit()
            return process.terminationStatus
        }
        let partial = try String(contentsOfFile: part, encoding: .utf8)
        let written = partial.split(separator: "\n").count
        if status == 130 {
            #expect(partial.hasSuffix("\n") && written < 40_000 && written % 256 == 0, "\(written) lines")
        } else {
            #expect(status == 0 && written == 40_000, "status \(status)")  // finished first
        }
        let resume = try await offPool {
            try CLITests.run(["embed", "--model", CLITests.tiny, "--input", input, "--output", part, "--resume"])
        }
        let whole = try await offPool { try CLITests.run(["embed", "--model", CLITests.tiny, "--input", input, "--output", full]) }
        #expect(resume.status == 0 && whole.status == 0, "\(resume.stderr) \(whole.stderr)")
        let resumed = try String(contentsOfFile: part, encoding: .utf8), uninterrupted = try String(contentsOfFile: full, encoding: .utf8)
        #expect(resumed.split(separator: "\n").count == 40_000)
        #expect(resumed == uninterrupted, "the resumed file differs from the uninterrupted run's")
    }

    /// A live pipe: bertkit started on a pipe that stays open, fed lines a batch at a time, as `tail -f log | bertkit`
    /// is. Returns the process, the pipe's writing end and a reader of what it has written so far.
    final class LiveRun: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        private let output = Pipe()
        private let lock = NSLock()
        private var written = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: CLITests.binary)
            process.arguments = arguments
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let reading = output.fileHandleForReading
            Thread.detachNewThread { [self] in
                while true {
                    let data = reading.availableData
                    if data.isEmpty { break }
                    lock.withLock { written.append(data) }
                }
                done.signal()
            }
        }

        func send(_ lines: [String]) { input.fileHandleForWriting.write(Data(lines.map { $0 + "\n" }.joined().utf8)) }

        /// Complete lines written so far.
        var lines: [Substring] { lock.withLock { String(decoding: written, as: UTF8.self).split(separator: "\n") } }

        /// Waits until `count` lines are out, or `seconds` pass; returns the lines then.
        func waitFor(_ count: Int, seconds: Double) -> [Substring] {
            let deadline = Date().addingTimeInterval(seconds)
            while lines.count < count, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            return lines
        }

        /// Closes the input, waits for the exit and the last output; returns the status.
        func finish(closing: Bool = true) -> Int32 {
            if closing { try? input.fileHandleForWriting.close() }
            process.waitUntilExit()
            done.wait()
            return process.terminationStatus
        }
    }

    /// Inputs from a pipe that stays open are embedded as they arrive: every full window is written while the writer
    /// still holds the pipe (it was held back until 64 KiB or the end of input); the rest follows at the end.
    @Test func aLivePipeStreamsEachWindowAsItFills() async throws {
        let run = try LiveRun(["embed", "--model", CLITests.tiny, "--window", "16"])
        let lines = (1...50).map { "sentence number \($0)" }
        let early = try await offPool { () -> Int in
            run.send(lines)
            return run.waitFor(48, seconds: 60).count
        }
        #expect(early == 48, "\(early) lines written while the pipe was open (three full windows of 16 expected)")
        let status = try await offPool { run.finish() }
        #expect(status == 0)
        #expect(run.lines.count == 50)
        let whole = try await offPool {
            try CLITests.run(["embed", "--model", CLITests.tiny], stdin: Data(lines.map { $0 + "\n" }.joined().utf8))
        }
        #expect(run.lines.joined(separator: "\n") + "\n" == whole.stdout)
    }

    /// Ctrl-C while the open pipe is silent: the lines read so far (less than a window) are embedded and written,
    /// and bertkit exits 130 without waiting for more input.
    @Test func ctrlCOnASilentPipeWritesWhatItHas() async throws {
        let run = try LiveRun(["embed", "--model", CLITests.tiny, "--window", "8"])
        let status = try await offPool { () -> Int32 in
            // A full window first: once it is out, the run is reading (and listening for Ctrl-C).
            run.send((1...8).map { "line \($0)" })
            _ = run.waitFor(8, seconds: 60)
            run.send(["one", "two", "three", "four", "five"])
            Thread.sleep(forTimeInterval: 0.5)
            run.process.interrupt()
            return run.finish(closing: false)
        }
        #expect(status == 130)
        #expect(run.lines.count == 13 && run.lines.allSatisfy { $0.hasPrefix(#"{"embedding":["#) }, "\(run.lines.count) lines")
        try? run.input.fileHandleForWriting.close()
    }

    /// `--config tune.json` is read once, when the run starts: a stream that outlives the file (it was replaced or
    /// removed) keeps the setup it started with (the file was read again for every window).
    @Test func aTuneFileIsReadOnce() async throws {
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("tune.json")
        let setup = #"{"backend":"native-packed","precision":"fp32","threads":1,"batching":{"kind":"sorted","batchSize":4},"#
            + #""machine":{"cpu":"","cores":2,"kernels":"portable","cpuFlags":[]},"sequencesPerSecond":1,"p95BatchMs":1}"#
        try setup.write(to: file, atomically: true, encoding: .utf8)
        let run = try LiveRun(["embed", "--model", CLITests.tiny, "--window", "4", "--config", file.path])
        let counts = try await offPool { () -> (Int, Int) in
            run.send(["one", "two", "three", "four"])
            let first = run.waitFor(4, seconds: 60).count
            try? FileManager.default.removeItem(at: file)
            run.send(["five", "six", "seven", "eight"])
            return (first, run.waitFor(8, seconds: 60).count)
        }
        #expect(counts == (4, 8), "\(counts)")
        let status = try await offPool { run.finish() }
        #expect(status == 0)
    }

    /// `bertkit embed | head -1`: the reader goes away; bertkit stops quietly with status 0.
    @Test func aClosedPipeEndsQuietly() throws {
        let input = try Self.inputFile(20_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["embed", "--model", CLITests.tiny, "--input", input, "--window", "64"]
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let first = output.fileHandleForReading.readData(ofLength: 200)
        try output.fileHandleForReading.close()
        let message = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(String(decoding: first, as: UTF8.self).hasPrefix(#"{"embedding":["#))
        #expect(
            process.terminationStatus == 0 && message.isEmpty,
            "status \(process.terminationStatus): \(String(decoding: message, as: UTF8.self))")
    }

    /// Peak memory follows the window, not the input: 100,000 and 1,000,000 lines take no more than 10,000 do (+10%).
    @Test func memoryIsBoundedByTheWindow() async throws {
        var peaks: [Int] = []
        for count in [10_000, 100_000, 1_000_000] {
            let input = try Self.inputFile(count)
            let run = try await offPool {
                try CLITests.run(["embed", "--model", CLITests.tiny, "--input", input, "--timing", "--output", "/dev/null"])
            }
            #expect(run.status == 0, "\(run.stderr)")
            let timing = try #require(try JSONSerialization.jsonObject(with: Data(run.stderr.utf8)) as? [String: Any])
            #expect(timing["sequences"] as? Int == count)
            peaks.append(try #require(timing["peak_rss_kb"] as? Int))
        }
        for peak in peaks.dropFirst() {
            #expect(Double(peak) <= Double(peaks[0]) * 1.1, "peak RSS \(peaks) kB at 10k, 100k and 1M lines")
        }
    }
}

import ArgumentParser
import BertKit
import Foundation

/// How embed, classify and tokenize stream: inputs read a window at a time, batched within the window, written in
/// input order as each window completes, so memory is bounded by the window whatever the input's size.
struct StreamOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Read inputs from this file instead of standard input (text, or JSON Lines with text, text_pair and an id that is carried to the output)."
    )
    var input: String?

    @Option(name: .long, help: "Write to this file instead of standard output.")
    var output: String?

    @Flag(name: .long, help: "Continue an interrupted --output file after its last complete line (the inputs before it are skipped).")
    var resume = false

    @Option(name: .long, help: "Inputs per window: read, sorted or budgeted into batches, and written together (memory grows with it).")
    var window = 1024

    func validate() throws {
        guard window >= 1 else { throw ValidationError("--window must be at least 1") }
    }
}

/// Streams the inputs of `stream` through `body`, one window at a time: each window's output lines (one JSON object
/// per input, in order, with the input's `id` first when it has one) are written before the next window is read.
/// Ctrl-C finishes the current window, writes it and exits with status 130; a closed standard output (`| head`) ends
/// the run quietly; either way every written line is complete. Errors name the input's source and line.
func streamLines(_ stream: StreamOptions, _ body: ([TextInput]) throws -> [String]) throws {
    var out = try OutputLines(path: stream.output, resume: stream.resume)
    var reader = try InputLines(path: stream.input)
    if out.resumedLines > 0 {
        let skipped = try reader.skip(out.resumedLines)
        guard skipped == out.resumedLines else {
            throw CLIError(
                "\(stream.output ?? "") has \(out.resumedLines) lines but \(reader.source) only \(skipped): it is not this input's output")
        }
    }
    let stop = StopSignal()
    stop.install()
    reader.stopRequested = { stop.requested }
    do {
        while !stop.requested {
            let lines = try reader.next(stream.window)
            guard let first = lines.first else { break }
            let outputs: [String]
            do { outputs = try body(lines.map(\.input)) } catch { throw lineError(error, offset: first.number - 1, source: reader.source) }
            for (line, json) in zip(lines, outputs) {
                out.line(line.id.map { "{\"id\":\($0)," + json.dropFirst() } ?? json)
            }
            try out.flush()
        }
    } catch is OutputLines.Closed {
        return
    }
    if stop.requested { throw ExitCode(130) }
}

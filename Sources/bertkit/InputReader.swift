import BertKit
import Foundation

/// Reads JSON Lines or plain-text inputs: one input per line, either raw text or
/// `{"text": "...", "text_pair": "..."}`. Errors name the source and line.
struct InputReader {
    /// Where the lines come from, for messages.
    let source: String
    let data: Data

    /// Reads `path`, or standard input when nil.
    init(path: String?) throws {
        if let path {
            guard FileManager.default.fileExists(atPath: path) else { throw CLIError("input file not found: \(path)") }
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw CLIError("cannot read input file \(path): \(error.localizedDescription)")
            }
            source = path
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
            source = "stdin"
        }
    }

    /// The inputs, in order. Blank lines are kept as empty texts (so line numbers and outputs stay aligned).
    func inputs() throws -> [TextInput] {
        var result: [TextInput] = []
        var lineNumber = 0
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for var bytes in lines {
            lineNumber += 1
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            guard let line = String(validating: bytes, as: UTF8.self) else {
                throw CLIError("\(source) line \(lineNumber): invalid UTF-8")
            }
            result.append(try parse(line, lineNumber: lineNumber))
        }
        return result
    }

    private func parse(_ line: String, lineNumber: Int) throws -> TextInput {
        guard line.first == "{" else { return TextInput(line) }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(line.utf8)) } catch {
            throw CLIError("\(source) line \(lineNumber): malformed JSON (\(jsonReason(error)))")
        }
        guard let dict = object as? [String: Any] else {
            throw CLIError("\(source) line \(lineNumber): expected a JSON object")
        }
        guard let text = dict["text"] as? String else {
            throw CLIError("\(source) line \(lineNumber): field 'text' must be a string")
        }
        if let pair = dict["text_pair"], !(pair is NSNull) {
            guard let pairText = pair as? String else {
                throw CLIError("\(source) line \(lineNumber): field 'text_pair' must be a string")
            }
            return TextInput(text, pair: pairText)
        }
        return TextInput(text)
    }

    private func jsonReason(_ error: any Error) -> String {
        (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "not valid JSON"
    }
}

/// A user-facing error of the command-line tool.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

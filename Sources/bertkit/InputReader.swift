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

    /// The JSON form of an input line.
    private struct Line: Decodable {
        var text: String
        var textPair: String?
        enum CodingKeys: String, CodingKey { case text, textPair = "text_pair" }
    }

    private func parse(_ line: String, lineNumber: Int) throws -> TextInput {
        guard line.first == "{" else { return TextInput(line) }
        do {
            let parsed = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
            return TextInput(parsed.text, pair: parsed.textPair)
        } catch let DecodingError.typeMismatch(_, context) {
            throw CLIError("\(source) line \(lineNumber): field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' must be a string")
        } catch DecodingError.keyNotFound(_, _) {
            throw CLIError("\(source) line \(lineNumber): a JSON input needs a 'text' field")
        } catch {
            throw CLIError("\(source) line \(lineNumber): malformed JSON (\(jsonReason(error)))")
        }
    }

    private func jsonReason(_ error: any Error) -> String {
        if case let DecodingError.dataCorrupted(context) = error {
            return (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
        }
        return "not valid JSON"
    }
}

/// A user-facing error of the command-line tool.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

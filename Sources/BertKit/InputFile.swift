import Foundation

/// A file of inputs, one per line: raw text, or JSON Lines `{"text": "...", "text_pair": "..."}`. Errors name the
/// source and the line.
public struct InputFile: Sendable {
    /// Where the lines come from, for messages (a path, or `stdin`).
    public let source: String
    /// The raw bytes.
    public let data: Data

    /// Reads `path`, or standard input when nil.
    public init(path: String?) throws {
        if let path {
            guard FileManager.default.fileExists(atPath: path) else { throw InputFileError("input file not found: \(path)") }
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw InputFileError("cannot read input file \(path): \(error.localizedDescription)")
            }
            source = path
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
            source = "stdin"
        }
    }

    /// Inputs held in memory; `source` names them in messages.
    public init(data: Data, source: String) {
        self.data = data
        self.source = source
    }

    /// The inputs, in order. Blank lines are kept as empty texts (so line numbers and outputs stay aligned).
    public func inputs() throws -> [TextInput] {
        var result: [TextInput] = []
        var lineNumber = 0
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for var bytes in lines {
            lineNumber += 1
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            guard let line = String(validating: bytes, as: UTF8.self) else {
                throw InputFileError("\(source) line \(lineNumber): invalid UTF-8")
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
            throw InputFileError("\(source) line \(lineNumber): field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' must be a string")
        } catch DecodingError.keyNotFound(_, _) {
            throw InputFileError("\(source) line \(lineNumber): a JSON input needs a 'text' field")
        } catch {
            throw InputFileError("\(source) line \(lineNumber): malformed JSON (\(jsonReason(error)))")
        }
    }

    private func jsonReason(_ error: any Error) -> String {
        if case let DecodingError.dataCorrupted(context) = error {
            return (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
        }
        return "not valid JSON"
    }
}

/// A file of inputs that cannot be read: what is wrong, with the source and line.
public struct InputFileError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// An error with this message.
    public init(_ description: String) { self.description = description }
}

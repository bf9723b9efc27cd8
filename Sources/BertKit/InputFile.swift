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
            result.append(try Self.parse(line, lineNumber: lineNumber, source: source).input)
        }
        return result
    }

    /// The JSON form of an input line.
    private struct Line: Decodable {
        var text: String
        var textPair: String?
        var id: LineID?
        enum CodingKeys: String, CodingKey { case text, textPair = "text_pair", id }
    }

    /// An input line's `id`: a string or a number, kept as the JSON text it will be written back as.
    private struct LineID: Decodable {
        let json: String
        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let string = try? value.decode(String.self) {
                json = String(decoding: try JSONEncoder().encode(string), as: UTF8.self)
            } else if let integer = try? value.decode(Int64.self) {
                json = String(integer)
            } else if let number = try? value.decode(Double.self), number.isFinite {
                json = "\(number)"
            } else {
                throw DecodingError.typeMismatch(
                    LineID.self, .init(codingPath: decoder.codingPath, debugDescription: "not a string or a number"))
            }
        }
    }

    /// One line as an input and its `id` (JSON text, nil when absent): a line starting with `{` is JSON, any other
    /// is raw text.
    static func parse(_ line: String, lineNumber: Int, source: String) throws -> (input: TextInput, id: String?) {
        guard line.first == "{" else { return (TextInput(line), nil) }
        do {
            let parsed = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
            return (TextInput(parsed.text, pair: parsed.textPair), parsed.id?.json)
        } catch let DecodingError.typeMismatch(type, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            if type == LineID.self || field == "id" {
                throw InputFileError("\(source) line \(lineNumber): field 'id' must be a string or a number")
            }
            throw InputFileError("\(source) line \(lineNumber): field '\(field)' must be a string")
        } catch DecodingError.keyNotFound(_, _) {
            throw InputFileError("\(source) line \(lineNumber): a JSON input needs a 'text' field")
        } catch {
            throw InputFileError("\(source) line \(lineNumber): malformed JSON (\(jsonReason(error)))")
        }
    }

    private static func jsonReason(_ error: any Error) -> String {
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

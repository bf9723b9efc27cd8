import Foundation

/// Inputs read incrementally from a file or standard input, one per line: raw text, or JSON Lines with `text`,
/// optional `text_pair`, and an optional `id` (a string or a number) that is carried to the output. Memory holds the
/// lines asked for and one read buffer, whatever the input's size. Errors name the source and the line.
public struct InputLines {
    /// One input.
    public struct Line: Sendable, Equatable {
        public var input: TextInput
        /// The line's `id` as JSON text (a string keeps its quotes); nil when the line has none.
        public var id: String?
        /// The line's number, from 1.
        public var number: Int
    }

    /// Where the lines come from, for messages (a path, or `stdin`).
    public let source: String
    /// A line longer than this is an error naming it (a file without line breaks would otherwise fill memory).
    public static let maxLineBytes = 16 << 20
    /// Bytes read per system call.
    static let readSize = 1 << 16

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// Lines read so far.
    public private(set) var linesRead = 0

    /// Opens `path`, or standard input when nil.
    public init(path: String?) throws {
        if let path {
            guard FileManager.default.fileExists(atPath: path), let handle = FileHandle(forReadingAtPath: path) else {
                throw InputFileError("input file not found: \(path)")
            }
            self.handle = handle
            source = path
        } else {
            handle = FileHandle.standardInput
            source = "stdin"
        }
    }

    /// Up to `count` next inputs, in order; empty at the end. Blank lines are empty texts, so outputs stay aligned
    /// with input lines.
    public mutating func next(_ count: Int) throws -> [Line] {
        var lines: [Line] = []
        while lines.count < count, let bytes = try nextRawLine() {
            let number = linesRead
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw InputFileError("\(source) line \(number): invalid UTF-8")
            }
            let (input, id) = try InputFile.parse(text, lineNumber: number, source: source)
            lines.append(Line(input: input, id: id, number: number))
        }
        return lines
    }

    /// Passes over `count` lines without parsing them (to resume after them); returns how many there were.
    public mutating func skip(_ count: Int) throws -> Int {
        var skipped = 0
        while skipped < count, try nextRawLine() != nil { skipped += 1 }
        return skipped
    }

    /// The next line's bytes without its line break (`\n`, or `\r\n`); nil at the end.
    private mutating func nextRawLine() throws -> ArraySlice<UInt8>? {
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = buffer[start..<newline]
                start = newline + 1
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                linesRead += 1
                return line
            }
            searchFrom = buffer.count
            if buffer.count - start > Self.maxLineBytes {
                throw InputFileError("\(source) line \(linesRead + 1): longer than \(Self.maxLineBytes) bytes")
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                var line = buffer[start...]
                start = buffer.count
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                linesRead += 1
                return line
            }
            // Drop what was consumed before reading more, so the buffer holds at most one line and one read.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                searchFrom -= start
                start = 0
            }
            let chunk: Data?
            do { chunk = try handle.read(upToCount: Self.readSize) } catch {
                throw InputFileError("cannot read \(source): \(error.localizedDescription)")
            }
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { atEnd = true }
        }
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Inputs read incrementally from a file or standard input, one per line: raw text, or JSON Lines with `text`,
/// optional `text_pair`, and an optional `id` (a string or a number) that is carried to the output. Memory holds the
/// lines asked for and one read buffer, whatever the input's size. Errors name the source and the line.
///
/// Reads take what is available (`read(2)`), so lines from a pipe that stays open (`tail -f log | bertkit embed`)
/// are returned as they arrive: `next(count)` returns once it has `count` lines, not when a read buffer fills.
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

    private let file: Descriptor
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: InputLines.readSize)
    private var start = 0
    private var atEnd = false
    /// Lines read so far.
    public private(set) var linesRead = 0

    /// Checked while a read waits for input (every quarter second): once it returns true, the input ends there, so a
    /// stop request (Ctrl-C) is honoured even while a pipe stays open and silent.
    public var stopRequested: (@Sendable () -> Bool)?

    /// Opens `path`, or standard input when nil.
    public init(path: String?) throws {
        if let path {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                throw InputFileError(
                    errno == ENOENT
                        ? "input file not found: \(path)"
                        : "cannot open \(path): \(String(cString: strerror(errno)))")
            }
            file = Descriptor(fd, owned: true)
            source = path
        } else {
            file = Descriptor(STDIN_FILENO, owned: false)
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
            let count = try readAvailable()
            if count > 0 { buffer.append(contentsOf: chunk[0..<count]) } else { atEnd = true }
        }
    }

    /// One `read(2)` of what is available (up to `readSize` bytes), waiting for input while none is; 0 at the end
    /// of input, or once a stop is requested.
    private mutating func readAvailable() throws -> Int {
        while true {
            if let stopRequested {
                var poller = pollfd(fd: file.fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&poller, 1, 250)
                if ready == 0 || (ready < 0 && errno == EINTR) {
                    if stopRequested() { return 0 }
                    continue
                }
            }
            let n = chunk.withUnsafeMutableBytes { read(file.fd, $0.baseAddress, $0.count) }
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw InputFileError("cannot read \(source): \(String(cString: strerror(errno)))")
        }
    }
}

/// A file descriptor that is closed with its last reference (standard input is not).
private final class Descriptor {
    let fd: Int32
    private let owned: Bool

    init(_ fd: Int32, owned: Bool) {
        self.fd = fd
        self.owned = owned
    }

    deinit { if owned { close(fd) } }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a streaming command writes its JSON Lines: standard output, or `--output FILE`. Lines are written whole,
/// window by window, as soon as each is complete. With `--resume` the file is kept: its complete lines are counted
/// (the inputs to skip) and a partial last line, left by an interrupted write, is cut off before appending.
struct OutputLines {
    /// The reader of standard output went away (a broken pipe): the run ends quietly.
    struct Closed: Error {}

    private let fd: Int32
    private let name: String
    private var buffer: [UInt8] = []
    /// Complete lines the file held when resuming: that many inputs are already done.
    let resumedLines: Int

    init(path: String?, resume: Bool) throws {
        guard let path else {
            if resume { throw CLIError("--resume needs --output FILE (the file to continue)") }
            fd = STDOUT_FILENO
            name = "standard output"
            resumedLines = 0
            signal(SIGPIPE, SIG_IGN)  // a closed pipe becomes EPIPE from write, handled as Closed
            return
        }
        name = path
        let exists = FileManager.default.fileExists(atPath: path)
        let fd = open(path, resume && exists ? O_RDWR : (O_WRONLY | O_CREAT | O_TRUNC), 0o644)
        guard fd >= 0 else { throw CLIError("cannot open \(path) for writing: \(String(cString: strerror(errno)))") }
        self.fd = fd
        guard resume && exists else {
            resumedLines = 0
            return
        }
        // Count complete lines and find where the last one ends.
        var lines = 0, end: off_t = 0, offset: off_t = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError("cannot read \(path) to resume: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            for i in 0..<n where chunk[i] == UInt8(ascii: "\n") {
                lines += 1
                end = offset + off_t(i) + 1
            }
            offset += off_t(n)
        }
        guard ftruncate(fd, end) == 0, lseek(fd, end, SEEK_SET) == end else {
            throw CLIError("cannot cut the partial last line of \(path): \(String(cString: strerror(errno)))")
        }
        resumedLines = lines
    }

    mutating func line(_ json: String) {
        buffer.append(contentsOf: json.utf8)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Writes the buffered lines; throws `Closed` when standard output's reader is gone.
    mutating func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw Closed() }
                throw CLIError("cannot write \(name): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file. Tensors point into it; nothing is copied.
public final class MappedFile: @unchecked Sendable {
    /// Start of the mapping.
    public let base: UnsafeRawPointer
    /// Length in bytes.
    public let count: Int
    /// The file's path.
    public let path: String

    /// Maps `path` read-only.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT { throw ModelIOError.missingFile(path) }
            throw ModelIOError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ModelIOError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ModelIOError.unreadable(path: path, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        guard size > 0 else {
            throw ModelIOError.unreadable(path: path, reason: "file is empty")
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw ModelIOError.unreadable(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(mapped)
        count = size
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), count)
    }

    /// Whether `pointer` lies inside the mapping (used to check that weights were not copied).
    public func contains(_ pointer: UnsafeRawPointer) -> Bool {
        pointer >= base && pointer < base + count
    }
}

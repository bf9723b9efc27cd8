import AsyncHTTPClient
import BertModelIO
import Crypto
import Foundation

/// One blob into the cache, as `huggingface_hub` writes it: under the blob's lock, into `blobs/ETAG.incomplete`
/// (resumed with a Range request when a previous download stopped), never past the size the Hub announced, an LFS
/// file's SHA-256 checked against its ETag, then renamed to `blobs/ETAG` — so no partial file is ever at a path
/// that is read as complete.
struct BlobDownload {
    let connection: HubConnection
    let file: String
    let metadata: HubFileMetadata
    let blob: String
    let progress: (@Sendable (HubProgress) -> Void)?

    /// Downloads into `blob` unless it is there already. The caller holds the blob's lock.
    func run() async throws {
        if FileManager.default.fileExists(atPath: blob) { return }
        let incomplete = blob + ".incomplete"
        var offset = fileSize(incomplete)
        if let size = metadata.size, offset > size { offset = 0 }
        let descriptor = open(incomplete, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw HubError.cacheWrite(path: incomplete, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        if offset == 0 { ftruncate(descriptor, 0) }
        if metadata.size != offset {
            offset = try await fetch(into: descriptor, path: incomplete, from: offset)
        }
        if let size = metadata.size, offset != size {
            throw refused("the download stopped at \(offset) of the \(size) bytes announced; run again to resume")
        }
        if let expected = metadata.sha256 {
            let actual = try sha256(of: incomplete)
            guard actual == expected else {
                unlink(incomplete)
                throw HubError.checksumMismatch(
                    model: connection.model.repo, revision: connection.model.revision, file: file, expected: expected, actual: actual)
            }
        }
        guard fsync(descriptor) == 0, rename(incomplete, blob) == 0 else {
            throw HubError.cacheWrite(path: blob, reason: String(cString: strerror(errno)))
        }
        progress?(HubProgress(model: connection.model, file: file, bytes: offset, total: metadata.size, finished: true))
    }

    /// Streams the file from `offset` into `descriptor`; returns the bytes the file then has.
    private func fetch(into descriptor: Int32, path: String, from start: Int) async throws -> Int {
        var offset = start
        let response = try await connection.get(metadata.location, file: file, from: offset)
        switch response.status.code {
        case 416:
            // The range starts at or past the end: what we have is all there is (checked against the size next).
            return offset
        case 206:
            guard offset > 0, let range = response.headers.first(name: "Content-Range"),
                Self.rangeStart(range) == offset
            else { throw refused("a partial answer that does not start at byte \(offset)") }
        default:
            // A whole file, even if a range was asked: start over.
            offset = 0
            guard ftruncate(descriptor, 0) == 0 else {
                throw HubError.cacheWrite(path: path, reason: String(cString: strerror(errno)))
            }
        }
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw HubError.cacheWrite(path: path, reason: String(cString: strerror(errno)))
        }
        do {
            // Without an announced size, no more than the largest file BertKit takes.
            let limit = metadata.size ?? HubFileMetadata.maxSize
            for try await chunk in response.body {
                if offset + chunk.readableBytes > limit {
                    ftruncate(descriptor, 0)
                    unlink(path)
                    let announced = metadata.size.map { "the \($0) the Hub announced" } ?? "the \(limit) BertKit takes"
                    throw refused("more bytes than \(announced); the download was discarded")
                }
                try chunk.withUnsafeReadableBytes { bytes in try writeAll(descriptor, bytes, path: path) }
                offset += chunk.readableBytes
                progress?(HubProgress(model: connection.model, file: file, bytes: offset, total: metadata.size, finished: false))
            }
        } catch let error as HubError {
            throw error
        } catch {
            throw connection.networkError(file, error)
        }
        return offset
    }

    private func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let written = write(descriptor, base + done, bytes.count - done)
            if written < 0 {
                if errno == EINTR { continue }
                throw HubError.cacheWrite(path: path, reason: String(cString: strerror(errno)))
            }
            done += written
        }
    }

    private func refused(_ reason: String) -> HubError { connection.refused(file, reason) }

    /// The first byte of `bytes START-END/TOTAL`.
    static func rangeStart(_ header: String) -> Int? {
        guard header.hasPrefix("bytes "), let dash = header.firstIndex(of: "-") else { return nil }
        return Int(header[header.index(header.startIndex, offsetBy: 6)..<dash])
    }
}

/// Bytes in the file at `path` (0 if absent).
func fileSize(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : 0
}

/// The SHA-256 of the file at `path`, as lowercase hex.
func sha256(of path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw HubError.cacheWrite(path: path, reason: "cannot read back") }
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
}

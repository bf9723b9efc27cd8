import BertModelIO
import Foundation

/// An exclusive `flock` on `huggingface_hub`'s lock file for a blob (`.locks/models--ORG--NAME/ETAG.lock`), the
/// lock its `FileLock` takes: one process writes a blob at a time, BertKit or Python, and the others wait, then find
/// the blob complete. Waiting polls (as `filelock` does) so no thread is blocked.
final class HubFileLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Takes the lock at `path` (made with its folders if absent), polling every `interval` until it is free.
    static func acquire(_ path: String, interval: Duration = .milliseconds(50)) async throws -> HubFileLock {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw HubError.cacheWrite(path: folder, reason: (error as NSError).localizedDescription)
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o664)
        guard descriptor >= 0 else { throw HubError.cacheWrite(path: path, reason: String(cString: strerror(errno))) }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw HubError.cacheWrite(path: path, reason: "cannot lock: \(reason)")
            }
            do { try await Task.sleep(for: interval) } catch {
                close(descriptor)
                throw error
            }
        }
        return HubFileLock(descriptor: descriptor)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

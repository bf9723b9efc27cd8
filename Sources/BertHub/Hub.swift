import AsyncHTTPClient
import BertModelIO
import Foundation

/// Models by name: a Hub repo resolved through the Hugging Face cache, its missing files downloaded from the Hub's
/// HTTP file API into the cache in `huggingface_hub`'s own layout, so Python and BertKit share one cache.
///
/// ```swift
/// let folder = try await Hub().snapshot(try HubModelName(parsing: "sentence-transformers/all-MiniLM-L6-v2"))
/// ```
public struct Hub: Sendable {
    /// The Hub's address (`HF_ENDPOINT`; `https://huggingface.co` by default).
    public var endpoint: String
    /// A bearer token for private and gated repos (`HF_TOKEN`, else the token file `huggingface_hub` saves).
    public var token: String?
    /// The cache.
    public var cache: HubCache
    /// Never touch the network (`HF_HUB_OFFLINE=1`): only what the cache holds.
    public var offline: Bool
    /// How long to wait for a connection to the Hub, in seconds (`HF_HUB_ETAG_TIMEOUT`, as `huggingface_hub` reads
    /// it; 10 by default). A refused connection is retried until then; past it, a complete cached snapshot is used.
    public var connectTimeout: Int
    /// Called as files download (from the task that downloads).
    public var progress: (@Sendable (HubProgress) -> Void)?

    /// The default public Hub.
    public static let defaultEndpoint = "https://huggingface.co"

    /// A Hub as `huggingface_hub` configures itself from `environment`: `HF_ENDPOINT`, `HF_TOKEN` (or the older
    /// `HUGGING_FACE_HUB_TOKEN`, else the file `HF_TOKEN_PATH` or `HF_HOME/token`), `HF_HUB_CACHE`/`HF_HOME`,
    /// `HF_HUB_OFFLINE`, `HF_HUB_ETAG_TIMEOUT`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let endpoint = environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultEndpoint
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        token = Self.token(environment)
        cache = HubCache(environment: environment)
        offline = ["1", "ON", "YES", "TRUE"].contains((environment["HF_HUB_OFFLINE"] ?? "").uppercased())
        connectTimeout = environment["HF_HUB_ETAG_TIMEOUT"].flatMap { Double($0) }.map { max(1, Int($0.rounded(.up))) } ?? 10
    }

    static func token(_ environment: [String: String]) -> String? {
        for key in ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"] {
            if let value = environment[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty { return value }
        }
        let path = environment["HF_TOKEN_PATH"] ?? HubCache.home(environment) + "/token"
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let text = String(decoding: (try? handle.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// The local folder of `name` with every file BertKit reads (`HubFilePlan`): from the cache when it has them,
    /// else downloaded into it. Offline, or when the Hub cannot be reached, the cache's snapshot is used if complete
    /// (as `huggingface_hub` falls back on it); otherwise the error says which file is missing.
    public func snapshot(_ name: HubModelName) async throws -> String {
        if offline { return try cache.offlineSnapshot(name, why: "HF_HUB_OFFLINE is set, so nothing is downloaded") }
        let client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(Int64(connectTimeout)), read: .seconds(60))))
        do {
            let folder = try await snapshot(name, connection: HubConnection(client: client, endpoint: endpoint, token: token, model: name))
            try await client.shutdown()
            return folder
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func snapshot(_ name: HubModelName, connection: HubConnection) async throws -> String {
        let commit: String
        let available: Set<String>
        do {
            (commit, available) = try await connection.repoInfo()
        } catch let error as HubError {
            guard case .network = error, let folder = try? cache.offlineSnapshot(name, why: "") else { throw error }
            return folder
        }
        if let missing = HubFilePlan.missingRequired(available: available) {
            throw HubError.missingFile(model: name.repo, revision: name.revision, file: missing, why: "the repo has no such file at \(commit)")
        }
        let folder = cache.snapshotFolder(name, commit: commit)
        if available.contains("modules.json") { try await fetch("modules.json", commit: commit, into: folder, connection) }
        let modules = try HubFilePlan.modules(modulesJSON: folder + "/modules.json", available: available)
        if let missing = HubFilePlan.missingRequired(available: available, modules: modules) {
            throw HubError.missingFile(model: name.repo, revision: name.revision, file: missing, why: "the repo has no such file at \(commit)")
        }
        for file in HubFilePlan.files(available: available, modules: modules) where file != "modules.json" {
            try await fetch(file, commit: commit, into: folder, connection)
        }
        if !name.isCommit { try writeRef(name, commit: commit) }
        try cache.checkContained(folder)
        return folder
    }

    /// `snapshots/COMMIT/FILE`, a link to `blobs/ETAG`, unless it is already there.
    private func fetch(_ file: String, commit: String, into folder: String, _ connection: HubConnection) async throws {
        let pointer = folder + "/" + file
        if FileManager.default.fileExists(atPath: pointer) {
            try cache.checkContained(pointer)
            return
        }
        let metadata = try await connection.metadata(file, commit: commit)
        guard metadata.commit == commit else {
            throw connection.refused(file, "the file is answered from commit \(metadata.commit), not \(commit)")
        }
        let name = connection.model
        let blob = cache.blobPath(name, etag: metadata.etag)
        try makeFolder((blob as NSString).deletingLastPathComponent)
        do {
            let lock = try await HubFileLock.acquire(cache.lockFile(name, etag: metadata.etag))
            try await BlobDownload(connection: connection, file: file, metadata: metadata, blob: blob, progress: progress).run()
            withExtendedLifetime(lock) {}
        }
        try link(pointer, toBlob: metadata.etag, depth: file.split(separator: "/").count)
        try cache.checkContained(pointer)
    }

    /// A relative link from `pointer` (`depth` parts below the snapshot folder) to `blobs/ETAG`, as
    /// `huggingface_hub` makes it (`../../blobs/ETAG` for a top-level file).
    private func link(_ pointer: String, toBlob etag: String, depth: Int) throws {
        try makeFolder((pointer as NSString).deletingLastPathComponent)
        let target = String(repeating: "../", count: depth + 1) + "blobs/" + etag
        unlink(pointer)
        guard symlink(target, pointer) == 0 else {
            throw HubError.cacheWrite(path: pointer, reason: String(cString: strerror(errno)))
        }
    }

    /// `refs/REVISION` ← the commit, written to a temporary file and renamed, as `huggingface_hub` writes it.
    private func writeRef(_ name: HubModelName, commit: String) throws {
        let path = cache.refFile(name)
        if (try? cache.cachedCommit(name)) == commit { return }
        try makeFolder((path as NSString).deletingLastPathComponent)
        let temporary = path + ".\(UInt32.random(in: 0...UInt32.max)).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(commit.utf8)), rename(temporary, path) == 0 else {
            unlink(temporary)
            throw HubError.cacheWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private func makeFolder(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw HubError.cacheWrite(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}

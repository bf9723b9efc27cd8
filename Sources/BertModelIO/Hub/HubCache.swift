import Foundation

/// The Hugging Face cache as Python's `huggingface_hub` writes and reads it:
/// `ROOT/models--ORG--NAME/{refs/REVISION, snapshots/COMMIT/FILE → ../../blobs/ETAG, blobs/ETAG}` and
/// `ROOT/.locks/models--ORG--NAME/ETAG.lock`. A model a team downloaded with Python is used as it is, and what BertKit
/// downloads is read back by Python.
public struct HubCache: Sendable {
    /// The cache folder (`HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`).
    public let root: String

    /// A cache at `root`.
    public init(root: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// The cache `huggingface_hub` uses under `environment`: `HF_HUB_CACHE` (or the older `HUGGINGFACE_HUB_CACHE`),
    /// else `HF_HOME/hub`, else `XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let hub = environment["HF_HUB_CACHE"] ?? environment["HUGGINGFACE_HUB_CACHE"], !hub.isEmpty {
            self.init(root: Self.expandingTilde(hub, environment))
        } else {
            self.init(root: Self.home(environment) + "/hub")
        }
    }

    /// `HF_HOME`, else `XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface` (where `huggingface_hub` also
    /// keeps its `token` file).
    public static func home(_ environment: [String: String]) -> String {
        if let home = environment["HF_HOME"], !home.isEmpty {
            let path = expandingTilde(home, environment)
            return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return expandingTilde(cache, environment) + "/huggingface"
    }

    static func expandingTilde(_ path: String, _ environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return (environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
    }

    /// `ROOT/models--ORG--NAME`.
    public func repoFolder(_ name: HubModelName) -> String { root + "/" + name.cacheFolderName }
    /// `ROOT/models--ORG--NAME/blobs/ETAG`.
    public func blobPath(_ name: HubModelName, etag: String) -> String { repoFolder(name) + "/blobs/" + etag }
    /// `ROOT/models--ORG--NAME/snapshots/COMMIT`.
    public func snapshotFolder(_ name: HubModelName, commit: String) -> String {
        repoFolder(name) + "/snapshots/" + commit
    }
    /// `ROOT/models--ORG--NAME/refs/REVISION`: the commit a branch or tag pointed to when last resolved.
    public func refFile(_ name: HubModelName) -> String { repoFolder(name) + "/refs/" + name.revision }
    /// `ROOT/.locks/models--ORG--NAME/ETAG.lock`, the lock `huggingface_hub` takes while it writes that blob.
    public func lockFile(_ name: HubModelName, etag: String) -> String {
        root + "/.locks/" + name.cacheFolderName + "/" + etag + ".lock"
    }

    /// The commit the cache knows for `name`'s revision: the revision itself when it is a commit hash, else the
    /// content of its `refs/` file (nil when there is none). A `refs/` file that does not hold a commit hash is an
    /// error naming it.
    public func cachedCommit(_ name: HubModelName) throws -> String? {
        if name.isCommit { return name.revision }
        let path = refFile(name)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try checkContained(path)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ModelIOError.unreadable(path: path, reason: "cannot open")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 128)) ?? Data()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard HubModelName.isCommitHash(text) else {
            throw ModelIOError.unreadable(path: path, reason: "expected a 40-digit commit hash")
        }
        return text
    }

    /// The snapshot folder of `name` that the cache holds, without touching the network: its files checked to stay
    /// inside the cache and to include what BertKit reads (`HubFilePlan.missingRequired`). `why` says in the error
    /// why the network was not asked (`HF_HUB_OFFLINE=1`, or what failed).
    public func offlineSnapshot(_ name: HubModelName, why: String) throws -> String {
        guard let commit = try cachedCommit(name) else {
            throw HubError.notCached(model: name.repo, revision: name.revision, cache: root, why: why)
        }
        let folder = snapshotFolder(name, commit: commit)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw HubError.notCached(model: name.repo, revision: name.revision, cache: root, why: why)
        }
        let files = Set(try snapshotFiles(folder))
        let modules = try HubFilePlan.modules(modulesJSON: folder + "/modules.json", available: files)
        if let missing = HubFilePlan.missingRequired(available: files, modules: modules) {
            throw HubError.missingFile(model: name.repo, revision: name.revision, file: missing, why: why)
        }
        return folder
    }

    /// The most entries a snapshot folder may hold for BertKit to list it.
    static let maxSnapshotEntries = 100_000

    /// The files of a snapshot folder, relative to it (`1_Pooling/config.json`); each one that is a link must resolve
    /// inside the cache (`HubError.outsideCache` otherwise).
    public func snapshotFiles(_ folder: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else {
            throw ModelIOError.unreadable(path: folder, reason: "cannot list the snapshot")
        }
        var files: [String] = []
        var seen = 0
        while let next = walker.nextObject() as? String {
            seen += 1
            guard seen <= Self.maxSnapshotEntries else {
                throw ModelIOError.unreadable(path: folder, reason: "more than \(Self.maxSnapshotEntries) entries")
            }
            let path = folder + "/" + next
            try checkContained(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(next)
            }
        }
        return files
    }

    /// Throws `HubError.outsideCache` when `path`, links resolved, is not inside the cache folder.
    public func checkContained(_ path: String) throws {
        let base = Self.resolved(root)
        let target = Self.resolved(path)
        guard target.hasPrefix(base == "/" ? "/" : base + "/") else {
            throw HubError.outsideCache(path: path, target: target)
        }
    }

    /// `path` with every link resolved (`realpath`); a dangling link resolves to its own path.
    static func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return (path as NSString).standardizingPath }
        defer { free(real) }
        return String(cString: real)
    }
}

/// What went wrong resolving or downloading a model by name. Each is one line naming the repo, revision and file.
public enum HubError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not a valid `ORG/NAME[@REVISION]`.
    case invalidName(String, reason: String)
    /// Offline (or the Hub unreachable), and the cache holds no snapshot for the revision.
    case notCached(model: String, revision: String, cache: String, why: String)
    /// The cached snapshot lacks a file the model needs, and it cannot be downloaded (`why`).
    case missingFile(model: String, revision: String, file: String, why: String)
    /// A cached file is a link that resolves outside the cache.
    case outsideCache(path: String, target: String)
    /// The Hub answered with an HTTP error.
    case http(status: Int, model: String, revision: String, file: String?, detail: String)
    /// The Hub (or a server posing as it) answered something refused: a hostile file name, a malformed header, more
    /// bytes than announced, a redirect loop.
    case refused(model: String, revision: String, file: String?, reason: String)
    /// A downloaded file's SHA-256 differs from the one the Hub announced.
    case checksumMismatch(model: String, revision: String, file: String, expected: String, actual: String)
    /// The network failed (no answer, a connection reset, a timeout).
    case network(model: String, revision: String, file: String?, endpoint: String, reason: String)
    /// A file could not be written into the cache.
    case cacheWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidName(text, reason):
            return "invalid model name '\(text)': \(reason)"
        case let .notCached(model, revision, cache, why):
            return "model \(model) (revision \(revision)) is not in the Hugging Face cache \(cache) (\(why))"
        case let .missingFile(model, revision, file, why):
            return "model \(model) (revision \(revision)): \(file) is not in the cache (\(why))"
        case let .outsideCache(path, target):
            return "refused \(path): it links to \(target), outside the Hugging Face cache"
        case let .http(status, model, revision, file, detail):
            return "model \(model) (revision \(revision))\(file.map { ", file \($0)" } ?? ""): HTTP \(status): \(detail)"
        case let .refused(model, revision, file, reason):
            return "model \(model) (revision \(revision))\(file.map { ", file \($0)" } ?? ""): refused: \(reason)"
        case let .checksumMismatch(model, revision, file, expected, actual):
            return "model \(model) (revision \(revision)), file \(file): SHA-256 \(actual) differs from the \(expected) the Hub announced; the download was discarded"
        case let .network(model, revision, file, endpoint, reason):
            return "model \(model) (revision \(revision))\(file.map { ", file \($0)" } ?? ""): cannot reach \(endpoint): \(reason)"
        case let .cacheWrite(path, reason):
            return "cannot write \(path) into the Hugging Face cache: \(reason)"
        }
    }
}

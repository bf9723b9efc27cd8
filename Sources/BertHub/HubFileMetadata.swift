import AsyncHTTPClient
import BertModelIO
import NIOHTTP1

/// What the Hub says about one file in answer to `HEAD /ORG/NAME/resolve/REVISION/FILE` (as `huggingface_hub`'s
/// `get_hf_file_metadata` reads it): the commit, the ETag that names the blob (`X-Linked-Etag`, the SHA-256 of an LFS
/// file, else `ETag`), the size (`X-Linked-Size`, else `Content-Length`), and where to GET it (`Location` of a
/// redirect to another host, else the URL asked).
struct HubFileMetadata: Sendable, Equatable {
    let commit: String
    let etag: String
    let size: Int?
    let location: String
    /// The ETag is an LFS file's SHA-256 (from `X-Linked-Etag`), which the download is checked against.
    let sha256: String?

    /// The largest file BertKit downloads (256 GiB): a bound on announced sizes before anything is allocated.
    static let maxSize = 1 << 38

    /// Reads the headers of the HEAD answer for `file` (made at `url`), refusing what could not name a cache path.
    init(headers: HTTPHeaders, url: String, model: HubModelName, file: String) throws {
        func refuse(_ reason: String) -> HubError { .refused(model: model.repo, revision: model.revision, file: file, reason: reason) }
        guard let commit = headers.first(name: "X-Repo-Commit") else {
            throw refuse("the answer has no X-Repo-Commit header (is HF_ENDPOINT a Hub?)")
        }
        guard HubModelName.isCommitHash(commit) else { throw refuse("X-Repo-Commit '\(commit.prefix(80))' is not a commit hash") }
        let linked = headers.first(name: "X-Linked-Etag")
        guard let raw = linked ?? headers.first(name: "ETag") else { throw refuse("the answer has no ETag") }
        let etag = Self.normalize(raw)
        guard Self.isSafeETag(etag) else { throw refuse("ETag '\(etag.prefix(80))' cannot name a cache file") }
        let sizeText = headers.first(name: "X-Linked-Size") ?? headers.first(name: "Content-Length")
        var size: Int?
        if let sizeText {
            guard let value = Int(sizeText), value >= 0, value <= Self.maxSize else {
                throw refuse("announced size '\(sizeText.prefix(40))' is not a size up to \(Self.maxSize) bytes")
            }
            size = value
        }
        self.commit = commit
        self.etag = etag
        self.size = size
        location = headers.first(name: "Location") ?? url
        sha256 = linked != nil && etag.utf8.count == 64 && etag.utf8.allSatisfy(Self.isHexDigit) ? etag : nil
    }

    /// `W/"abc"` and `"abc"` → `abc`, as `huggingface_hub` normalizes ETags.
    static func normalize(_ etag: String) -> String {
        var text = Substring(etag)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        while text.first == "\"" { text = text.dropFirst() }
        while text.last == "\"" { text = text.dropLast() }
        return String(text)
    }

    /// ASCII letters, digits, `-` and `_` (1 to 128): safe as a file name, as the Hub's hex ETags are.
    static func isSafeETag(_ etag: String) -> Bool {
        !etag.isEmpty && etag.utf8.count <= 128
            && etag.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 45 || $0 == 95 }
    }

    static func isHexDigit(_ byte: UInt8) -> Bool { (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) }
}

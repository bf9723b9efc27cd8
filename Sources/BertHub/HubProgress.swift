import BertModelIO

/// What a download is doing, reported to `Hub.progress` as it goes (the CLI draws it as a bar on stderr).
public struct HubProgress: Sendable {
    /// The repo and revision.
    public let model: HubModelName
    /// The file, relative to the repo (`1_Pooling/config.json`).
    public let file: String
    /// Bytes of the file on disk so far (a resumed download starts above zero).
    public let bytes: Int
    /// The size the Hub announced, if it did.
    public let total: Int?
    /// True once the file is complete and in the cache.
    public let finished: Bool
}

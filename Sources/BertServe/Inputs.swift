/// One input of TEI's `Input`: a text, or token ids taken as they are (no special tokens added).
public enum InputItem: Sendable, Equatable, Decodable {
    /// A text, tokenized by the server.
    case text(String)
    /// Token ids, used as they are.
    case ids([UInt32])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let ids = try? container.decode([UInt32].self) {
            self = .ids(ids)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a string or a list of token ids")
        }
    }

    /// Its length as TEI's `x-compute-characters` counts it: Unicode scalars of a text, or the number of ids.
    var characters: Int {
        switch self {
        case .text(let text): text.unicodeScalars.count
        case .ids(let ids): ids.count
        }
    }
}

/// TEI's `Input` (untagged, the single form tried first): a text, token ids, or a list of texts and id lists.
/// `[]` is a single empty list of ids, as in TEI (so it is refused as empty, not as malformed).
public struct Inputs: Sendable, Equatable, Decodable {
    /// The inputs, in order.
    public var items: [InputItem]
    /// Whether the request sent a list of inputs (responses keep the batch shape either way).
    public var isBatch: Bool

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(InputItem.self) {
            items = [single]
            isBatch = false
        } else if let batch = try? container.decode([InputItem].self) {
            items = batch
            isBatch = true
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "data did not match any variant of untagged enum Input")
        }
    }

    /// Inputs built in code.
    public init(_ items: [InputItem], isBatch: Bool = true) {
        self.items = items
        self.isBatch = isBatch
    }
}

/// TEI's `PredictInput`: a text, a pair `[a, b]` (or `[a]`), or a batch `[[a], [a, b], ...]`.
public struct PredictInputs: Sendable, Equatable, Decodable {
    /// Each input: a text and maybe its pair.
    public var items: [(text: String, pair: String?)] { storage.map { ($0.first ?? "", $0.count > 1 ? $0[1] : nil) } }
    /// Whether the request sent a batch (the response is then nested).
    public var isBatch: Bool
    private var storage: [[String]]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let expected =
            "expected a string, a pair of strings [string, string] or a batch of mixed strings and pairs [[string], [string, string], ...]"
        if let text = try? container.decode(String.self) {
            storage = [[text]]
            isBatch = false
        } else if let list = try? container.decode([String].self) {
            guard (1...2).contains(list.count) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid length \(list.count), \(expected)")
            }
            storage = [list]
            isBatch = false
        } else if let batch = try? container.decode([[String]].self) {
            if let bad = batch.first(where: { !(1...2).contains($0.count) }) {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid length \(bad.count), \(expected)")
            }
            storage = batch
            isBatch = true
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: expected)
        }
    }

    /// Inputs built in code.
    public init(_ items: [(String, String?)], isBatch: Bool) {
        storage = items.map { [$0.0] + ($0.1.map { [$0] } ?? []) }
        self.isBatch = isBatch
    }

    public static func == (a: Self, b: Self) -> Bool { a.storage == b.storage && a.isBatch == b.isBatch }
}

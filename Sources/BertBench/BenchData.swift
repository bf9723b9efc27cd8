import BertKit
import BertTokenizers
import Foundation

/// The data set of a benchmark: the inputs of a text or JSON Lines file, tokenized as the model sees them.
/// Inputs longer than the model accepts are truncated (the count is kept so the caller can warn).
public struct BenchData: Sendable {
    /// The inputs, in file order (at most `limit` of them).
    public let inputs: [TextInput]
    /// Their encodings, truncated to the model's maximum length.
    public let encodings: [Encoding]
    /// What the report says about the data.
    public let statistics: DataStatistics

    /// Reads `path` and tokenizes it as the model's front ends do (`encoder`, which must truncate; the inputs it cuts
    /// are counted). Errors for a missing, empty or non-UTF-8 file and for empty lines, naming the line.
    public init(path: String, encoder: InputEncoder, limit: Int? = nil) throws {
        let file = try InputFile(path: path)
        var inputs = try file.inputs()
        if let limit { inputs = Array(inputs.prefix(max(0, limit))) }
        guard !inputs.isEmpty else { throw BenchError.emptyData(path: path) }
        for (i, input) in inputs.enumerated() where input.text.isEmpty || input.pair?.isEmpty == true {
            throw InputFileError("\(path) line \(i + 1): the text is empty (the benchmark needs a text on every line)")
        }
        let maxLength = encoder.maxLength
        let full = try encoder.untruncatedLengths(inputs)
        let encodings = try encoder.encode(inputs)
        self.inputs = inputs
        self.encodings = encodings
        let lengths = encodings.map { Double($0.count) }
        statistics = DataStatistics(
            path: path, sequences: inputs.count, bytes: file.data.count, fingerprint: Self.fingerprint(file.data),
            tokens: encodings.reduce(0) { $0 + $1.count }, length: Summary(lengths),
            truncated: full.filter { $0 > maxLength }.count, maxLength: maxLength,
            pairs: inputs.filter { $0.pair != nil }.count)
    }

    /// The first `count` inputs (all of them if there are fewer), with their statistics.
    public func prefix(_ count: Int) -> BenchData {
        let n = min(max(count, 1), inputs.count)
        guard n < inputs.count else { return self }
        let encodings = Array(self.encodings.prefix(n))
        var statistics = self.statistics
        statistics.sequences = n
        statistics.tokens = encodings.reduce(0) { $0 + $1.count }
        statistics.length = Summary(encodings.map { Double($0.count) })
        statistics.pairs = inputs.prefix(n).filter { $0.pair != nil }.count
        return BenchData(inputs: Array(inputs.prefix(n)), encodings: encodings, statistics: statistics)
    }

    private init(inputs: [TextInput], encodings: [Encoding], statistics: DataStatistics) {
        self.inputs = inputs
        self.encodings = encodings
        self.statistics = statistics
    }

    /// `count` sequences of exactly `length` tokens, made of the data's own tokens: the special tokens the model adds
    /// around one text, with the texts' non-special tokens laid back to back in between.
    public func sweep(length: Int, count: Int) -> [[Int]] {
        let first = encodings[0]
        let lead = first.specialTokensMask.prefix { $0 == 1 }.count
        let trail = first.specialTokensMask.reversed().prefix { $0 == 1 }.count
        let prefix = Array(first.ids.prefix(lead)), suffix = lead < first.count ? Array(first.ids.suffix(trail)) : []
        var body: [Int] = []
        for encoding in encodings {
            for (id, special) in zip(encoding.ids, encoding.specialTokensMask) where special == 0 { body.append(id) }
        }
        if body.isEmpty { body = first.ids }
        let inner = max(0, length - prefix.count - suffix.count)
        var position = 0
        var sequences: [[Int]] = []
        for _ in 0..<count {
            var sequence = prefix
            sequence.reserveCapacity(length)
            for _ in 0..<inner {
                sequence.append(body[position % body.count])
                position += 1
            }
            sequence += suffix
            sequences.append(Array(sequence.prefix(length)))
        }
        return sequences
    }

    /// FNV-1a over the file's bytes: tells a resumed run that the data did not change.
    static func fingerprint(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}

/// The data set as the report describes it.
public struct DataStatistics: Codable, Sendable, Equatable {
    /// The file.
    public var path: String
    /// Inputs measured.
    public var sequences: Int
    /// File size.
    public var bytes: Int
    /// FNV-1a of the file, in hex.
    public var fingerprint: String
    /// Tokens of all inputs, after truncation.
    public var tokens: Int
    /// Token lengths.
    public var length: Summary
    /// Inputs longer than `maxLength`, truncated to it.
    public var truncated: Int
    /// The model's maximum length in tokens.
    public var maxLength: Int
    /// Inputs that are text pairs.
    public var pairs: Int
}

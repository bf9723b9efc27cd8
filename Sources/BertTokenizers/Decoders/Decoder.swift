/// A decoder stage: turns tokens back into text pieces (HF `Decoder::decode_chain`); the pieces are joined.
public protocol Decoder: Sendable {
    /// Rewrites the token strings.
    func decodeChain(_ tokens: [String]) -> [String]
}

/// Several decoders in order.
public struct SequenceDecoder: Decoder {
    /// The stages.
    public let decoders: [any Decoder]
    /// A sequence of decoders.
    public init(decoders: [any Decoder]) { self.decoders = decoders }
    public func decodeChain(_ tokens: [String]) -> [String] { decoders.reduce(tokens) { $1.decodeChain($0) } }
}

extension String {
    /// Every occurrence of `target` replaced (scalar-exact, unlike `Character` comparison).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        let source = Array(unicodeScalars), needle = Array(target.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < source.count {
            if i + needle.count <= source.count, source[i] == needle[0],
                (1..<needle.count).allSatisfy({ source[i + $0] == needle[$0] })
            {
                out.append(contentsOf: replacement.unicodeScalars)
                i += needle.count
            } else {
                out.append(source[i])
                i += 1
            }
        }
        return String(out)
    }
}

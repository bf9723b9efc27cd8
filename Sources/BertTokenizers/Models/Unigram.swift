/// SentencePiece's unigram model (HF `models/unigram`): the segmentation of highest total score (Viterbi over
/// every vocabulary piece that matches), characters no piece covers scored as unknown (minimum score - 10) and
/// fused into one unknown token; byte fallback spells unknown text as `<0xXX>` tokens.
public struct Unigram: TokenModel {
    private let pieces: [String]
    private let scores: [Double]
    /// Exact (byte) lookup, as HF: canonically equivalent spellings are different pieces.
    private let ids: [ExactText: Int]
    private let trie: PieceTrie
    private let unkId: Int?
    private let unkScore: Double
    private let byteIds: [Int]?
    /// Unknown text becomes `<0xXX>` byte tokens when the vocabulary has them.
    public let byteFallback: Bool

    /// Builds the model from `(piece, score)` pairs in id order.
    public init(vocab: [(String, Double)], unkId: Int?, byteFallback: Bool) throws(TokenizerError) {
        pieces = vocab.map(\.0)
        scores = vocab.map(\.1)
        var ids: [ExactText: Int] = [:]
        ids.reserveCapacity(vocab.count)
        for (id, piece) in pieces.enumerated() { ids[ExactText(piece)] = id }  // HF: a repeated piece keeps its last id
        self.ids = ids
        if let unkId, !(0..<vocab.count).contains(unkId) {
            throw .malformed(
                path: "", jsonPath: "model.unk_id", reason: "unk_id \(unkId) is outside the vocabulary of \(vocab.count) pieces")
        }
        self.unkId = unkId
        unkScore = (scores.min() ?? 0) - 10
        trie = PieceTrie(pieces, ids: ids)
        self.byteFallback = byteFallback
        byteIds = byteFallback ? ByteFallback.ids { ids[ExactText($0)] } : nil
    }

    public var vocabularySize: Int { pieces.count }
    public func id(of token: String) -> Int? { ids[ExactText(token)] }
    public func token(of id: Int) -> String? { pieces.indices.contains(id) ? pieces[id] : nil }

    private struct Node {
        var score = 0.0
        var start = -1
        var id = -1
    }

    public func tokenize(_ text: NormalizedString, _ range: Range<Int>, into tokens: inout [Token]) throws(TokenizerError) {
        guard !range.isEmpty else { return }
        let scalars = text.scalars
        try withUnsafeTemporaryAllocation(of: Node.self, capacity: range.count + 1) { (best) throws(TokenizerError) in
            best.initialize(repeating: Node())
            try viterbi(scalars, range, best, &tokens)
        }
    }

    private func viterbi(
        _ scalars: [Unicode.Scalar], _ range: Range<Int>, _ best: UnsafeMutableBufferPointer<Node>,
        _ tokens: inout [Token]
    ) throws(TokenizerError) {
        let base = range.lowerBound
        let n = range.count
        best[0].start = 0
        for start in 0..<n {
            let here = best[start].score
            var coveredOne = false
            trie.forEachPrefix(scalars, from: base + start, to: range.upperBound) { id, length in
                let end = start + length
                let candidate = scores[id] + here
                if best[end].start < 0 || candidate > best[end].score {
                    best[end] = Node(score: candidate, start: start, id: id)
                }
                if length == 1 { coveredOne = true }
            }
            if !coveredOne {
                guard let unkId else {
                    throw .missingToken(
                        "(unk_id)",
                        context: "the Unigram model: no piece covers '\(String(Character(scalars[base + start])))' and unk_id is not set")
                }
                let candidate = unkScore + here
                if best[start + 1].start < 0 || candidate > best[start + 1].score {
                    best[start + 1] = Node(score: candidate, start: start, id: unkId)
                }
            }
        }
        // Walk back; consecutive unknown pieces fuse into one.
        var path: [(Range<Int>, Int)] = []
        var end = n
        while end > 0 {
            let node = best[end]
            if node.id == unkId, let last = path.last, last.1 == unkId, last.0.lowerBound == end {
                path[path.count - 1] = (node.start..<last.0.upperBound, node.id)
            } else {
                path.append((node.start..<end, node.id))
            }
            end = node.start
        }
        for (r, id) in path.reversed() {
            let absolute = (base + r.lowerBound)..<(base + r.upperBound)
            if id != unkId {
                tokens.append(Token(id: id, value: pieces[id], range: absolute))
                continue
            }
            let value = String(scalars: scalars[absolute])
            // HF looks the piece's text up again: an unknown piece keeps its text and the unknown id.
            if let known = ids[ExactText(value)] {
                tokens.append(Token(id: known, value: value, range: absolute))
            } else if let byteIds {
                for b in value.utf8 { tokens.append(Token(id: byteIds[Int(b)], value: ByteFallback.token(b), range: absolute)) }
            } else {
                tokens.append(Token(id: id, value: value, range: absolute))
            }
        }
    }
}

/// The vocabulary's pieces in a trie over scalars, for the prefixes of a text that are pieces.
struct PieceTrie: Sendable {
    /// `(node << 21 | scalar)` to the child node.
    private var edges: IntegerMap
    /// The piece id ending at each node, or -1.
    private var pieceAt: [Int32] = [-1]
    /// The root's children for BMP scalars, directly indexed (0: none).
    private var rootChildren = [Int32](repeating: 0, count: 0x10000)

    init(_ pieces: [String], ids: [ExactText: Int]) {
        edges = IntegerMap(capacity: pieces.count * 4)
        for (id, piece) in pieces.enumerated() where !piece.isEmpty {
            var node: Int32 = 0
            for s in piece.unicodeScalars {
                let key = UInt64(node) << 21 | UInt64(s.value)
                if let child = edges[key] {
                    node = Int32(child)
                } else {
                    let child = Int32(pieceAt.count)
                    pieceAt.append(-1)
                    edges.set(key, UInt64(child))
                    if node == 0 && s.value < 0x10000 { rootChildren[Int(s.value)] = child }
                    node = child
                }
            }
            pieceAt[Int(node)] = Int32(ids[ExactText(piece)] ?? id)
        }
    }

    /// Calls `body(id, length)` for each piece that is a prefix of `scalars[from..<to]`, shortest first.
    @inline(__always)
    func forEachPrefix(_ scalars: [Unicode.Scalar], from: Int, to: Int, _ body: (Int, Int) -> Void) {
        var node: Int32 = 0
        var i = from
        while i < to {
            let value = scalars[i].value
            if node == 0 && value < 0x10000 {
                node = rootChildren[Int(value)]
                if node == 0 { return }
            } else {
                guard let child = edges[UInt64(node) << 21 | UInt64(value)] else { return }
                node = Int32(truncatingIfNeeded: child)
            }
            i += 1
            let id = pieceAt[Int(node)]
            if id >= 0 { body(Int(id), i - from) }
        }
    }
}

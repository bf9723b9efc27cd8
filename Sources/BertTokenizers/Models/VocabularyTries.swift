/// A WordPiece vocabulary as two tries over Unicode scalars: one of the pieces that start a word, one of the
/// continuing pieces with their prefix (`##`) removed. Edges live in one hash map keyed by (node, scalar), so a walk
/// costs one integer lookup per scalar and allocates nothing.
struct VocabularyTries: Sendable {
    struct Piece: Sendable {
        let id: Int
        let value: String
    }

    private var edges: [UInt64: Int32] = [:]
    /// Per node: the index of the piece ending there, or -1.
    private var ending: [Int32] = []
    private var pieces: [Piece] = []
    private let roots: (first: Int32, continuing: Int32)

    init(vocab: [String: Int], continuingPrefix: String) {
        let prefix = Array(continuingPrefix.unicodeScalars)
        ending = [-1, -1]
        // Without a prefix, a continuing piece is looked up as it is: both walks start at the same root.
        roots = (0, prefix.isEmpty ? 0 : 1)
        edges.reserveCapacity(vocab.count * 4)
        for (token, id) in vocab.sorted(by: { $0.value < $1.value }) {
            let scalars = Array(token.unicodeScalars)
            insert(scalars, root: roots.first, piece: Piece(id: id, value: token))
            if !prefix.isEmpty, scalars.count > prefix.count, scalars.starts(with: prefix) {
                insert(scalars.dropFirst(prefix.count), root: roots.continuing, piece: Piece(id: id, value: token))
            }
        }
    }

    private static func key(_ node: Int32, _ scalar: Unicode.Scalar) -> UInt64 {
        UInt64(UInt32(bitPattern: node)) << 21 | UInt64(scalar.value)
    }

    private mutating func insert<S: Sequence<Unicode.Scalar>>(_ scalars: S, root: Int32, piece: Piece) {
        var node = root
        for scalar in scalars {
            let key = Self.key(node, scalar)
            if let next = edges[key] {
                node = next
            } else {
                let next = Int32(ending.count)
                ending.append(-1)
                edges[key] = next
                node = next
            }
        }
        // A token listed twice keeps its last id, as a dictionary built from the file would.
        ending[Int(node)] = Int32(pieces.count)
        pieces.append(piece)
    }

    /// The longest piece matching `scalars[start...]` before `limit`: its end and the piece; nil when none does.
    func longestMatch(_ scalars: [Unicode.Scalar], from start: Int, upTo limit: Int, continuing: Bool) -> (Int, Piece)? {
        var node = continuing ? roots.continuing : roots.first
        var best: (Int, Int32)?
        var i = start
        while i < limit, let next = edges[Self.key(node, scalars[i])] {
            node = next
            i += 1
            let piece = ending[Int(node)]
            if piece >= 0 { best = (i, piece) }
        }
        guard let (end, index) = best else { return nil }
        return (end, pieces[Int(index)])
    }
}

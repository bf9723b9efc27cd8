/// Byte-pair encoding (HF `models/bpe`): a word starts as one symbol per character (with the continuing-subword
/// prefix and end-of-word suffix where set, byte tokens `<0xXX>` for unknown characters under byte fallback,
/// the unknown token otherwise, fused when `fuseUnk`), then the adjacent pair of lowest merge rank is merged,
/// leftmost first, until no pair can be.
public struct BPE: TokenModel {
    private let vocab: [String: Int]
    private let reverse: [Int: String]
    /// `(left id << 32 | right id)` to the merge's rank and the merged token's id.
    private let merges: [UInt64: (rank: Int32, id: Int32)]
    private let scalarIds: [UInt32: Int32]
    private let byteIds: [Int32]?
    private let unk: (id: Int, token: String)?
    /// Prefix of symbols that do not start a word.
    public let continuingSubwordPrefix: String?
    /// Suffix of the symbol that ends a word.
    public let endOfWordSuffix: String?
    /// Consecutive unknown characters become one unknown token.
    public let fuseUnk: Bool
    /// Unknown characters become their UTF-8 bytes' `<0xXX>` tokens when the vocabulary has them.
    public let byteFallback: Bool
    /// A word found whole in the vocabulary is one token, merges skipped.
    public let ignoreMerges: Bool

    /// Builds the model from a vocabulary and the merges in rank order.
    public init(
        vocab: [String: Int], merges: [(String, String)], unkToken: String?, continuingSubwordPrefix: String?,
        endOfWordSuffix: String?, fuseUnk: Bool, byteFallback: Bool, ignoreMerges: Bool
    ) throws(TokenizerError) {
        // Ids are stored in 32 bits (as HF's u32): anything else is refused here, not trapped on later.
        if let (token, id) = vocab.first(where: { $0.value < 0 || $0.value > Int(Int32.max) }) {
            throw .malformed(path: "", jsonPath: "model.vocab", reason: "token '\(token)' has id \(id), outside 0...\(Int32.max)")
        }
        guard merges.count <= Int(Int32.max) else {
            throw .malformed(path: "", jsonPath: "model.merges", reason: "\(merges.count) merges is more than \(Int32.max)")
        }
        self.vocab = vocab
        reverse = reverseVocabulary(vocab)
        var table: [UInt64: (rank: Int32, id: Int32)] = [:]
        table.reserveCapacity(merges.count)
        let prefixLength = continuingSubwordPrefix?.utf8.count ?? 0
        for (rank, merge) in merges.enumerated() {
            guard let a = vocab[merge.0], let b = vocab[merge.1] else {
                throw .malformed(
                    path: "", jsonPath: "model.merges[\(rank)]",
                    reason: "merge '\(merge.0) \(merge.1)' uses a token that is not in the vocabulary")
            }
            // The merged token drops the right part's continuing-subword prefix (HF cuts its length in bytes).
            let right =
                prefixLength > 0 && merge.1.utf8.count >= prefixLength
                ? String(decoding: merge.1.utf8.dropFirst(prefixLength), as: UTF8.self) : merge.1
            guard let id = vocab[merge.0 + right] else {
                throw .malformed(
                    path: "", jsonPath: "model.merges[\(rank)]",
                    reason: "the merged token '\(merge.0 + right)' is not in the vocabulary")
            }
            let key = UInt64(UInt32(a)) << 32 | UInt64(UInt32(b))
            table[key] = (Int32(rank), Int32(id))  // HF collects into a map: a repeated pair keeps its last rank
        }
        self.merges = table
        var scalarIds: [UInt32: Int32] = [:]
        for (token, id) in vocab {
            let scalars = token.unicodeScalars
            if scalars.count == 1, let s = scalars.first { scalarIds[s.value] = Int32(id) }
        }
        self.scalarIds = scalarIds
        byteIds = byteFallback ? ByteFallback.ids { vocab[$0] }?.map { Int32($0) } : nil
        if let unkToken {
            guard let id = vocab[unkToken] else { throw .missingToken(unkToken, context: "the BPE model (unk_token)") }
            unk = (id, unkToken)
        } else {
            unk = nil
        }
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix
        self.fuseUnk = fuseUnk
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
    }

    public var vocabularySize: Int { vocab.count }
    public func id(of token: String) -> Int? { vocab[token] }
    public func token(of id: Int) -> String? { reverse[id] }

    private struct Symbol {
        var id: Int32
        var range: Range<Int>
        var prev: Int
        var next: Int
        var live = true
    }

    public func tokenize(_ text: NormalizedString, _ range: Range<Int>, into tokens: inout [Token]) throws(TokenizerError) {
        guard !range.isEmpty else { return }
        let scalars = text.scalars
        if ignoreMerges, let word = Optional(String(scalars: scalars[range])), let id = vocab[word],
            reverse[id]?.isIdentical(to: word) == true
        {
            tokens.append(Token(id: id, value: reverse[id] ?? "", range: range))
            return
        }
        var symbols: [Symbol] = []
        symbols.reserveCapacity(range.count)
        var pendingUnk: (id: Int32, range: Range<Int>)?
        func add(_ id: Int32, _ r: Range<Int>) {
            let index = symbols.count
            symbols.append(Symbol(id: id, range: r, prev: index - 1, next: index + 1))
        }
        let plain = continuingSubwordPrefix == nil && endOfWordSuffix == nil
        for i in range {
            let isFirst = i == range.lowerBound, isLast = i == range.upperBound - 1
            let id: Int32?
            var key: String?
            if plain {
                id = scalarIds[scalars[i].value]
            } else {
                var s = String(Character(scalars[i]))
                if !isFirst, let prefix = continuingSubwordPrefix { s = prefix + s }
                if isLast, let suffix = endOfWordSuffix { s += suffix }
                key = s
                id = vocab[s].flatMap { reverse[$0]?.isIdentical(to: s) == true ? Int32($0) : nil }
            }
            if let id {
                if let u = pendingUnk { add(u.id, u.range); pendingUnk = nil }
                add(id, i..<(i + 1))
                continue
            }
            if let byteIds {
                // HF keeps a pending unknown token pending across byte tokens.
                for b in (key ?? String(Character(scalars[i]))).utf8 { add(byteIds[Int(b)], i..<(i + 1)) }
                continue
            }
            if let unk {
                if let u = pendingUnk {
                    if fuseUnk {
                        pendingUnk = (u.id, u.range.lowerBound..<(i + 1))
                        continue
                    }
                    add(u.id, u.range)
                }
                pendingUnk = (Int32(unk.id), i..<(i + 1))
            }
        }
        if let u = pendingUnk { add(u.id, u.range) }
        guard !symbols.isEmpty else { return }
        symbols[symbols.count - 1].next = -1
        mergeAll(&symbols)
        var i = 0
        while i >= 0 && i < symbols.count {
            let s = symbols[i]
            if s.live {
                tokens.append(Token(id: Int(s.id), value: reverse[Int(s.id)] ?? "", range: s.range))
            }
            i = s.live ? s.next : i + 1
        }
    }

    @inline(__always)
    private func merge(_ a: Int32, _ b: Int32) -> (rank: Int32, id: Int32)? {
        merges[UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))]
    }

    /// Words up to this many symbols are merged by scanning for the best pair (fastest for the short words of real
    /// text); longer ones through a heap.
    static let scanLimit = 48

    /// Merges the lowest-rank adjacent pair, leftmost on ties, until none is left (HF `Word::merge_all`): a min-heap
    /// of (rank, position) with stale entries skipped, so a word of n symbols takes O(n log n), not O(n²).
    private func mergeAll(_ symbols: inout [Symbol]) {
        guard symbols.count > 1 else { return }
        // pair[i]: the merge of symbol i with its next, if any.
        var pair: [(rank: Int32, id: Int32)?] = symbols.indices.map { i in
            symbols[i].next >= 0 ? merge(symbols[i].id, symbols[symbols[i].next].id) : nil
        }
        if symbols.count <= Self.scanLimit {
            scanMerges(&symbols, &pair)
            return
        }
        var queue = MergeQueue()
        for (i, p) in pair.enumerated() { if let p { queue.push(rank: p.rank, position: i) } }
        while let (rank, best) = queue.pop() {
            // Skip entries made stale by an earlier merge: the symbol is gone, or its pair is no longer this merge.
            guard symbols[best].live, let p = pair[best], p.rank == rank else { continue }
            let prev = apply(p, at: best, &symbols, &pair)
            if let q = pair[best] { queue.push(rank: q.rank, position: best) }
            if prev >= 0, let q = pair[prev] { queue.push(rank: q.rank, position: prev) }
        }
    }

    /// The same merges for a short word: each round scans the list for the lowest rank (leftmost on ties).
    @inline(__always)
    private func scanMerges(_ symbols: inout [Symbol], _ pair: inout [(rank: Int32, id: Int32)?]) {
        while true {
            var best = -1
            var bestRank = Int32.max
            var i = 0
            while i >= 0 {
                if let p = pair[i], p.rank < bestRank { bestRank = p.rank; best = i }
                i = symbols[i].next
            }
            guard best >= 0, let p = pair[best] else { return }
            _ = apply(p, at: best, &symbols, &pair)
        }
    }

    /// Merges symbol `best` with the next one into `p.id` and recomputes the two pairs that changed (its own and its
    /// previous symbol's); returns the previous symbol's index, -1 if none.
    @inline(__always)
    private func apply(
        _ p: (rank: Int32, id: Int32), at best: Int, _ symbols: inout [Symbol],
        _ pair: inout [(rank: Int32, id: Int32)?]
    ) -> Int {
        let right = symbols[best].next
        symbols[best].id = p.id
        symbols[best].range = symbols[best].range.lowerBound..<symbols[right].range.upperBound
        symbols[best].next = symbols[right].next
        symbols[right].live = false
        pair[right] = nil
        if symbols[best].next >= 0 { symbols[symbols[best].next].prev = best }
        pair[best] = symbols[best].next >= 0 ? merge(p.id, symbols[symbols[best].next].id) : nil
        let prev = symbols[best].prev
        if prev >= 0 { pair[prev] = merge(symbols[prev].id, p.id) }
        return prev
    }
}

/// A binary min-heap of merges keyed by (rank, position): lower rank first, then the leftmost.
private struct MergeQueue {
    private var keys: [UInt64] = []

    mutating func push(rank: Int32, position: Int) {
        keys.append(UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(truncatingIfNeeded: position)))
        var child = keys.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard keys[child] < keys[parent] else { break }
            keys.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (rank: Int32, position: Int)? {
        guard let top = keys.first else { return nil }
        let last = keys.removeLast()
        if !keys.isEmpty {
            keys[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < keys.count && keys[left] < keys[smallest] { smallest = left }
                if right < keys.count && keys[right] < keys[smallest] { smallest = right }
                if smallest == parent { break }
                keys.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return (Int32(bitPattern: UInt32(top >> 32)), Int(UInt32(truncatingIfNeeded: top)))
    }
}

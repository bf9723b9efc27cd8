/// An open-addressing hash map from `UInt64` keys (never `UInt64.max`) to `UInt64` values with a
/// multiplicative hash: the model tables (trie edges, BPE merges) are looked up once per character, where
/// `Dictionary`'s seeded SipHash dominates.
struct IntegerMap: Sendable {
    private static let empty = UInt64.max
    /// Keys and values interleaved: slot i holds `entries[2i]` (key) and `entries[2i + 1]` (value).
    private var entries: [UInt64]
    private var shift: UInt64
    private var mask: Int
    private(set) var count = 0

    /// A map sized for about `capacity` entries.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        entries = Array(repeating: Self.empty, count: size * 2)
        shift = UInt64(64 - size.trailingZeroBitCount)
        mask = size - 1
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// The value of `key`.
    @inline(__always)
    subscript(key: UInt64) -> UInt64? {
        entries.withUnsafeBufferPointer { e in
            var i = slot(key)
            while true {
                let k = e[2 &* i]
                if k == key { return e[2 &* i &+ 1] }
                if k == Self.empty { return nil }
                i = (i &+ 1) & mask
            }
        }
    }

    /// Sets `key` to `value`.
    mutating func set(_ key: UInt64, _ value: UInt64) {
        precondition(key != Self.empty, "IntegerMap keys must not be UInt64.max")
        if (count + 1) * 2 > entries.count / 2 { grow() }
        var i = slot(key)
        while entries[2 * i] != Self.empty {
            if entries[2 * i] == key { entries[2 * i + 1] = value; return }
            i = (i + 1) & mask
        }
        entries[2 * i] = key
        entries[2 * i + 1] = value
        count += 1
    }

    private mutating func grow() {
        var bigger = IntegerMap(capacity: entries.count / 2)
        for i in stride(from: 0, to: entries.count, by: 2) where entries[i] != Self.empty { bigger.set(entries[i], entries[i + 1]) }
        self = bigger
    }
}

import BertKit

/// Writes response JSON straight into bytes: float arrays are most of what a server sends, and Swift's shortest
/// round-trip `Float` description keeps them exact (a client parses back the very same floats).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func float(_ value: Float) {
        if value.isFinite { raw(value.description) } else { raw("null") }
    }

    mutating func floats(_ values: [Float]) {
        bytes.append(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            float(v)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// `[rows...]` with `body` writing each row.
    mutating func list<T>(_ items: some Collection<T>, _ body: (inout JSONWriter, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            body(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func string(_ s: String) { JSONString.append(s, to: &bytes) }

    mutating func optional(_ value: Int?) {
        if let value { raw(String(value)) } else { raw("null") }
    }
}

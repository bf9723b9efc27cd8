import BertModelIO
import Synchronization

/// RoPE's cos/sin tables for the attention kernel, shared by every layer: computed for the longest sequence seen
/// so far (at least 512 positions, doubling), so a model whose config allows 8,192 positions or more holds tables
/// only as long as its inputs.
final class RotaryTables: Sendable {
    /// One table: `positions` rows of `rotary.dimensions / 2` angles.
    final class Table: Sendable {
        let positions: Int
        let cos: [Float]
        let sin: [Float]

        init(_ rotary: RotaryEmbedding, positions: Int) {
            self.positions = positions
            (cos, sin) = rotary.tables(positions: positions)
        }
    }

    let rotary: RotaryEmbedding
    private let current = Mutex<Table?>(nil)

    init(_ rotary: RotaryEmbedding) { self.rotary = rotary }

    /// A table reaching position `count − 1` (the same one while it does).
    func reaching(_ count: Int) -> Table {
        current.withLock { table in
            if let table, table.positions >= count { return table }
            var positions = max(table?.positions ?? 256, 256)
            while positions < count { positions *= 2 }
            let grown = Table(rotary, positions: positions)
            table = grown
            return grown
        }
    }
}

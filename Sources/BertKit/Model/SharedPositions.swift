/// What every layer's attention shares about relative positions: MPNet's bias table, DeBERTa's position rows,
/// GTE's rotary tables.
struct SharedPositions: Sendable {
    var bias: RelativeBiasTable?
    var disentangled: DisentangledPositions?
    var rotary: RotaryTables?
}

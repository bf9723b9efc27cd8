/// What every layer's attention shares about relative positions: MPNet's bias table, DeBERTa's position rows,
/// GTE's rotary tables.
struct SharedPositions: Sendable {
    var bias: RelativeBiasTable?
    var disentangled: DisentangledPositions?
    var rotary: RotaryTables?
    /// ModernBERT's local layers: their rotary tables and the keys each side their queries see.
    var localRotary: RotaryTables?
    var window = 0
}

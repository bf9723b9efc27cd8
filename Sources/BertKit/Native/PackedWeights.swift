import BertModelIO
import CBertKernels

/// A weight matrix packed once at load into the micro-kernels' panel layout for one instruction set
/// (`bk_pack`): no product repacks it. Owns its 64-byte-aligned memory.
final class PackedWeights: @unchecked Sendable {
    // Unchecked: written once in init, read-only afterwards.
    let pointer: UnsafeMutablePointer<Float>
    /// Outputs (rows of the PyTorch weight) and inputs.
    let n: Int
    let k: Int
    let isa: KernelISA

    /// Packs the `[Σ n, k]` matrix made of `parts` stacked in order (one part for a plain `nn.Linear`; Q, K and V
    /// for the fused attention input). Each part must be `[n_i, k]`.
    init(stacking parts: [FloatTensor], k: Int, isa: KernelISA) {
        let n = parts.reduce(0) { $0 + $1.shape[0] }
        self.n = n
        self.k = k
        self.isa = isa
        let count = max(bk_packed_floats(isa.c, n, k), 1)
        // bk_pack writes every float, the panels' zero padding included.
        pointer = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.size, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
        if parts.count == 1 {
            parts[0].withUnsafeBufferPointer { bk_pack(isa.c, $0.baseAddress, n, k, pointer) }
        } else {
            var stacked = [Float]()
            stacked.reserveCapacity(n * k)
            for part in parts { part.withUnsafeBufferPointer { stacked.append(contentsOf: $0) } }
            stacked.withUnsafeBufferPointer { bk_pack(isa.c, $0.baseAddress, n, k, pointer) }
        }
    }

    deinit { pointer.deallocate() }
}

import BertModelIO
import CBertKernels

/// A weight matrix packed once at load into the micro-kernels' panel layout for one instruction set and number
/// format (`bk_pack_format`): no product repacks it. Owns its 64-byte-aligned memory.
final class PackedWeights: @unchecked Sendable {
    // Unchecked: written once in init, read-only afterwards.
    let pointer: UnsafeMutableRawPointer
    /// Bytes held.
    let byteCount: Int
    /// Outputs (rows of the PyTorch weight) and inputs.
    let n: Int
    let k: Int
    let isa: KernelISA
    let precision: Precision
    /// int8 with smoothing: `[k]` factors each input column is multiplied by before it is quantized (`a_scale`), the
    /// reciprocals of those the weight's columns were multiplied by before packing. nil: none.
    let activationScale: UnsafeMutablePointer<Float>?

    /// Packs the `[Σ n, k]` matrix made of `parts` stacked in order (one part for a plain `nn.Linear`; Q, K and V
    /// for the fused attention input). Each part must be `[n_i, k]`. With int8 and `smoothing` (`[k]` positive
    /// factors, `SmoothingPlan`), the weight's column j is multiplied by `smoothing[j]` before it is quantized and
    /// the activations' column j divided by it in every product; other precisions ignore it.
    init(stacking parts: [FloatTensor], k: Int, isa: KernelISA, precision: Precision = .fp32, smoothing: [Float]? = nil) throws {
        let n = parts.reduce(0) { $0 + $1.shape[0] }
        self.n = n
        self.k = k
        self.isa = isa
        self.precision = precision
        byteCount = max(bk_packed_bytes(isa.c, precision.format, n, k), 64)
        // bk_pack_format writes every byte, the panels' zero padding included.
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        self.pointer = pointer
        let smoothing = precision == .int8 && k > 0 && smoothing?.count == k ? smoothing : nil
        activationScale = smoothing.map { factors in
            let inverse = UnsafeMutablePointer<Float>.allocate(capacity: max(k, 1))
            for j in 0..<k { inverse[j] = 1 / factors[j] }
            return inverse
        }
        let status: bk_status
        if parts.count == 1 && smoothing == nil {
            status = parts[0].withUnsafeBufferPointer { bk_pack_format(isa.c, precision.format, $0.baseAddress, n, k, pointer) }
        } else {
            var stacked = [Float]()
            stacked.reserveCapacity(n * k)
            for part in parts { part.withUnsafeBufferPointer { stacked.append(contentsOf: $0) } }
            if let smoothing {
                for row in stride(from: 0, to: stacked.count, by: k) {
                    for j in 0..<k { stacked[row + j] *= smoothing[j] }
                }
            }
            status = stacked.withUnsafeBufferPointer { bk_pack_format(isa.c, precision.format, $0.baseAddress, n, k, pointer) }
        }
        try status.check("packing \(parts.map(\.name).joined(separator: "+")) as \(precision)")
    }

    deinit {
        pointer.deallocate()
        activationScale?.deallocate()
    }
}

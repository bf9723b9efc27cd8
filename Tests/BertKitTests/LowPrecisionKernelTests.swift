import CBertKernels
import Foundation
import Testing

@testable import BertKit

/// The bf16, fp16 and int8 products of every instruction set this CPU runs, held two ways:
/// - against the scalar reference of the same format (`bk_ref_gemm` rounds or quantizes exactly as the kernels
///   do, then computes in double): only float accumulation may differ, so the fp32 tolerance applies;
/// - against the fp32 reference, within the format's own error bound: catches a quantization rule that is wrong
///   in the kernels and the reference alike.
@Suite struct LowPrecisionKernelTests {
    typealias Values = KernelConformanceTests.Values
    static let formats: [(Precision, bk_format)] = [(.bf16, BK_FORMAT_BF16), (.fp16, BK_FORMAT_F16), (.int8, BK_FORMAT_I8)]
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 384, 384), (3, 17, 1), (7, 33, 5), (13, 100, 37), (2, 3, 2), (5, 9, 3), (65, 130, 70),
        (200, 47, 301), (9, 31, 1536), (0, 16, 16), (17, 1152, 19),
        (1, 40, 27), (2, 40, 23), (8, 40, 23),  // one or two rows: int8's interleaved accumulators and their remainder
    ]
    static let epilogues: [bk_epilogue] = [
        BK_EPILOGUE_NONE, BK_EPILOGUE_BIAS_GELU, BK_EPILOGUE_BIAS_TANH, BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM, BK_EPILOGUE_BIAS_MULTIPLY, BK_EPILOGUE_BIAS_SILU,
        BK_EPILOGUE_BIAS_RESIDUAL,
    ]

    /// Largest |format − fp32| on unit-scale outputs (inputs ~N(0, 1), weights ~N(0, 1/k)), after the epilogue,
    /// LayerNorm's rescaling included (the multiplying epilogue's per unit of its factor). bf16 keeps 8 significant
    /// bits, fp16 11; int8 weights have 255 levels per channel and activations 255 (or 127) per row.
    static func formatBound(_ precision: Precision, isa: KernelISA) -> Float {
        switch precision {
        case .fp32: 0
        case .fp16: 2e-3
        case .bf16: isa.roundsBF16Activations ? 4e-2 : 2e-2
        case .int8: isa.int8WeightLevels < 127 ? 0.12 : 0.08
        }
    }

    static func pack(_ isa: KernelISA, _ format: bk_format, _ w: [Float], n: Int, k: Int) -> [UInt8] {
        var packed = [UInt8](repeating: 0xA5, count: max(bk_packed_bytes(isa.c, format, n, k), 1))
        #expect(packed.withUnsafeMutableBytes { bk_pack_format(isa.c, format, w, n, k, $0.baseAddress) } == BK_OK)
        return packed
    }

    @Test(arguments: KernelISA.supported, [1, 2])
    func productsMatchTheirReference(isa: KernelISA, workers: Int) {
        var values = Values(state: 1234)
        for (m, n, k) in Self.shapes {
            let a = values.array(m * k)
            let w = values.array(n * k, scale: 1 / Float(k).squareRoot())
            let bias = values.array(n, scale: 0.5)
            let gamma = values.array(n, scale: 0.3).map { $0 + 1 }
            let beta = values.array(n, scale: 0.1)
            let residual = values.array(m * n)
            for (precision, format) in Self.formats {
                let packed = Self.pack(isa, format, w, n: n, k: k)
                for epilogue in Self.epilogues {
                    var got = residual, want = residual, exact = residual
                    func run(_ out: inout [Float], format: bk_format, _ body: (inout bk_gemm_desc) -> Void) {
                        a.withUnsafeBufferPointer { ap in
                            packed.withUnsafeBytes { pp in
                                bias.withUnsafeBufferPointer { bp in
                                    gamma.withUnsafeBufferPointer { gp in
                                        beta.withUnsafeBufferPointer { ep in
                                            out.withUnsafeMutableBufferPointer { cp in
                                                var d = bk_gemm_desc(
                                                    isa: isa.c, m: m, n: n, k: k, a: ap.baseAddress, lda: k,
                                                    packed: pp.baseAddress, format: format, c: cp.baseAddress,
                                                    ldc: n, epilogue: epilogue, bias: bp.baseAddress,
                                                    gamma: gp.baseAddress, beta: ep.baseAddress, eps: 1e-12, a_scale: nil)
                                                body(&d)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    run(&got, format: format) { bk_gemm(bk_pool_shared(), Int32(workers), &$0) }
                    run(&want, format: format) { d in w.withUnsafeBufferPointer { bk_ref_gemm(&d, $0.baseAddress) } }
                    run(&exact, format: BK_FORMAT_F32) { d in w.withUnsafeBufferPointer { bk_ref_gemm(&d, $0.baseAddress) } }
                    let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
                    // The multiplying epilogue scales each output's error by the value it multiplies (~N(0, 1), up
                    // to ~4.5 here): measured per unit of that factor, as the other epilogues' unit-scale outputs.
                    let factor = epilogue == BK_EPILOGUE_BIAS_MULTIPLY ? residual.map { max(1, abs($0)) } : residual.map { _ in 1 }
                    let drift = zip(zip(got, exact), factor).map { abs($0.0 - $0.1) / $1 }.max() ?? 0
                    let label = "\(isa) \(precision) m=\(m) n=\(n) k=\(k) epilogue \(epilogue.rawValue) workers \(workers)"
                    #expect(got.allSatisfy { $0.isFinite }, "\(label)")
                    #expect(worst <= KernelConformanceTests.gemmTolerance(k: k), "\(label): \(worst) from its reference")
                    #expect(drift <= Self.formatBound(precision, isa: isa), "\(label): \(drift) from fp32")
                }
            }
        }
    }

    /// int8 with smoothing (`a_scale`): activations with a few outlier channels (x40, as a transformer's), weights
    /// packed with their columns multiplied by s = sqrt(max|x_j| / max|w_j|) and the activations multiplied by 1/s
    /// in the kernel. The kernels match the reference of the same rule; against fp32 (the unsmoothed product) the
    /// smoothed int8 is within the format's bound and closer than int8 without smoothing, which these outliers leave
    /// few levels; `a_scale` on another format is refused.
    @Test(arguments: KernelISA.supported, [1, 2])
    func smoothedInt8MatchesItsReferenceAndBeatsPlainInt8(isa: KernelISA, workers: Int) {
        var values = Values(state: 99)
        for (m, n, k) in [(1, 40, 27), (2, 40, 23), (13, 100, 37), (65, 130, 70), (9, 31, 384)] {
            var a = values.array(m * k)
            let outliers = Set([0, k / 3, k - 1])
            for r in 0..<m { for j in outliers { a[r * k + j] *= 40 } }
            let w = values.array(n * k, scale: 1 / Float(k).squareRoot())
            let xMax = (0..<k).map { j in (0..<m).map { abs(a[$0 * k + j]) }.max() ?? 1 }
            let wMax = (0..<k).map { j in (0..<n).map { abs(w[$0 * k + j]) }.max() ?? 1 }
            let s = zip(xMax, wMax).map { ($0 / $1).squareRoot() }
            let smoothedW = (0..<n * k).map { w[$0] * s[$0 % k] }
            let inverse = s.map { 1 / $0 }
            func product(_ weights: [Float], format: bk_format, scale: [Float]?, reference: Bool) -> ([Float], bk_status) {
                let packed = Self.pack(isa, format, weights, n: n, k: k)
                var out = [Float](repeating: 0, count: m * n)
                var d = bk_gemm_desc()
                d.isa = isa.c; d.m = m; d.n = n; d.k = k; d.lda = k; d.ldc = n; d.format = format
                let status = a.withUnsafeBufferPointer { ap in
                    packed.withUnsafeBytes { pp in
                        out.withUnsafeMutableBufferPointer { op in
                            (scale ?? []).withUnsafeBufferPointer { sp in
                                weights.withUnsafeBufferPointer { wp in
                                    d.a = ap.baseAddress; d.packed = pp.baseAddress; d.c = op.baseAddress
                                    d.a_scale = scale == nil ? nil : sp.baseAddress
                                    if reference {
                                        bk_ref_gemm(&d, wp.baseAddress)
                                        return BK_OK
                                    }
                                    return bk_gemm(bk_pool_shared(), Int32(workers), &d)
                                }
                            }
                        }
                    }
                }
                return (out, status)
            }
            let label = "\(isa) m=\(m) n=\(n) k=\(k) workers \(workers)"
            let (smoothed, status) = product(smoothedW, format: BK_FORMAT_I8, scale: inverse, reference: false)
            #expect(status == BK_OK, "\(label)")
            let (reference, _) = product(smoothedW, format: BK_FORMAT_I8, scale: inverse, reference: true)
            let (plain, _) = product(w, format: BK_FORMAT_I8, scale: nil, reference: false)
            let (exact, _) = product(w, format: BK_FORMAT_F32, scale: nil, reference: true)
            let worst = zip(smoothed, reference).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= KernelConformanceTests.gemmTolerance(k: k) * 40, "\(label): \(worst) from its reference")
            func rms(_ x: [Float]) -> Float { (zip(x, exact).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Float(x.count)).squareRoot() }
            #expect(rms(smoothed) < rms(plain) * 0.8, "\(label): smoothed \(rms(smoothed)), plain \(rms(plain)) from fp32")
            #expect(product(w, format: BK_FORMAT_F32, scale: inverse, reference: false).1 == BK_ERROR_ARGUMENT, "\(label)")
        }
    }

    /// fp16 widening inside the kernels, subnormals, zeros, the largest half and infinity included: with a = [1] and
    /// k = 1 the product is the stored weight itself, which must be Swift's Float16 of it.
    @Test(arguments: KernelISA.supported)
    func halfWeightsWidenExactly(isa: KernelISA) {
        let w: [Float] = [
            0, -0.0, 1, -2.5, 65504, 1e-7, -3e-6, 6.1e-5, 5.96e-8, 0.1, 70000, -1e-3, 3.14159, 2e-5,
            -65519, 1e-30, 0.33333334,
        ]
        let n = w.count
        let packed = Self.pack(isa, BK_FORMAT_F16, w, n: n, k: 1)
        var out = [Float](repeating: .nan, count: n)
        let one: [Float] = [1]
        var d = bk_gemm_desc()
        d.isa = isa.c; d.m = 1; d.n = n; d.k = 1; d.lda = 1; d.ldc = n; d.format = BK_FORMAT_F16
        one.withUnsafeBufferPointer { ap in
            packed.withUnsafeBytes { pp in
                out.withUnsafeMutableBufferPointer { op in
                    d.a = ap.baseAddress; d.packed = pp.baseAddress; d.c = op.baseAddress
                    bk_gemm(bk_pool_shared(), 1, &d)
                }
            }
        }
        // (== rather than bit patterns: the accumulator starts at +0, and +0 + 1·(−0) is +0.)
        for (x, y) in zip(w, out) {
            #expect(y == Float(Float16(x)), "\(isa): fp16 of \(x) read back as \(y)")
        }
    }

    /// The scalar conversions against Swift's Float16 and the bf16 definition (the top half of an fp32, rounded to
    /// nearest even), over a sweep of bit patterns that covers every exponent.
    @Test func conversionsRoundToNearestEven() {
        var bits: UInt32 = 1
        while bits < 0xFF00_0000 {
            for value in [Float(bitPattern: bits), -Float(bitPattern: bits)] where !value.isNaN {
                #expect(bk_to_f16(value) == Float16(value).bitPattern, "fp16 of \(value)")
                #expect(bk_from_f16(bk_to_f16(value)) == Float(Float16(value)) || value.magnitude > 65520)
                let upper = value.bitPattern >> 16, lower = value.bitPattern & 0xFFFF
                let roundsUp = lower > 0x8000 || (lower == 0x8000 && upper & 1 == 1)
                #expect(UInt32(bk_to_bf16(value)) == (roundsUp ? upper + 1 : upper), "bf16 of \(value)")
            }
            bits = bits &* 3 &+ 7919
        }
        #expect(bk_to_bf16(.nan) & 0x7FC0 == 0x7FC0)
        #expect(bk_from_f16(bk_to_f16(.nan)).isNaN)
        #expect(bk_from_f16(bk_to_f16(.infinity)) == .infinity)
    }

    /// int8 packing: 0.25 of the fp32 bytes plus 8 bytes per output channel (scale and column sum); bf16 and fp16
    /// half.
    @Test(arguments: KernelISA.supported)
    func packedSizes(isa: KernelISA) {
        let (n, k) = (1536, 384)
        let fp32 = bk_packed_bytes(isa.c, BK_FORMAT_F32, n, k)
        #expect(fp32 == n * k * 4)
        #expect(bk_packed_bytes(isa.c, BK_FORMAT_BF16, n, k) * 2 == fp32)
        #expect(bk_packed_bytes(isa.c, BK_FORMAT_F16, n, k) * 2 == fp32)
        #expect(bk_packed_bytes(isa.c, BK_FORMAT_I8, n, k) == n * k + 8 * n)
    }
}

import CBertKernels
import Foundation
import Testing

@testable import BertKit

/// Every instruction-set path of the C kernels that this CPU runs, against the scalar double-precision references
/// (`bk_ref_*`) on awkward shapes: M = 1, K = 1, widths that are not a multiple of any vector width, rows that leave
/// partial micro-tiles, empty and long sequences, one thread and all of them. Runs on CPUs without AVX-512 too:
/// the paths a CPU lacks are not listed by `KernelISA.supported`.
@Suite struct KernelConformanceTests {
    /// Deterministic normal-ish values (sum of uniforms, LCG), so failures reproduce everywhere.
    struct Values {
        var state: UInt64
        mutating func uniform() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24)
        }
        mutating func normal(_ scale: Float = 1) -> Float {
            (uniform() + uniform() + uniform() + uniform() - 2) * 1.7 * scale
        }
        mutating func array(_ count: Int, scale: Float = 1) -> [Float] { (0..<count).map { _ in normal(scale) } }
    }

    /// The instruction sets with fp32 kernels of their own (`avx512_vnni` and `avx512_bf16` reuse AVX-512's).
    static let fp32Paths = KernelISA.supported.filter { !$0.sharesFP32Kernels }

    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 384, 384), (3, 17, 1), (7, 33, 5), (13, 100, 37), (1, 1152, 384), (65, 130, 70),
        (200, 47, 300), (9, 31, 3072), (0, 16, 16), (300, 768, 64), (17, 2304, 19),
    ]
    static let epilogues: [bk_epilogue] = [
        BK_EPILOGUE_NONE, BK_EPILOGUE_BIAS, BK_EPILOGUE_BIAS_GELU, BK_EPILOGUE_BIAS_GELU_TANH, BK_EPILOGUE_BIAS_RELU,
        BK_EPILOGUE_BIAS_TANH, BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM, BK_EPILOGUE_BIAS_MULTIPLY,
        BK_EPILOGUE_BIAS_SILU, BK_EPILOGUE_BIAS_RESIDUAL,
    ]

    /// Float accumulation over k products of unit-scale terms: a few ulps of the sum's scale.
    static func gemmTolerance(k: Int) -> Float { 2e-6 * Float(max(k, 1)).squareRoot() + 1e-6 }

    @Test(arguments: Self.fp32Paths, [1, 2])
    func gemmMatchesReference(isa: KernelISA, workers: Int) throws {
        var values = Values(state: 42)
        for (m, n, k) in Self.shapes {
            // Inputs ~N(0, 1), weights ~N(0, 1/k): outputs of unit scale, as in a real layer, so GELU and tanh see
            // their whole curved range.
            let a = values.array(m * k)
            let w = values.array(n * k, scale: 1 / Float(k).squareRoot())
            let bias = values.array(n, scale: 0.5)
            let gamma = values.array(n, scale: 0.3).map { $0 + 1 }
            let beta = values.array(n, scale: 0.1)
            let residual = values.array(m * n)
            var packed = [Float](repeating: .nan, count: max(bk_packed_floats(isa.c, n, k), 1))
            bk_pack(isa.c, w, n, k, &packed)
            for epilogue in Self.epilogues {
                var got = residual, want = residual
                func run(_ out: inout [Float], _ body: (inout bk_gemm_desc) -> Void) {
                    a.withUnsafeBufferPointer { ap in
                        packed.withUnsafeBufferPointer { pp in
                            bias.withUnsafeBufferPointer { bp in
                                gamma.withUnsafeBufferPointer { gp in
                                    beta.withUnsafeBufferPointer { ep in
                                        out.withUnsafeMutableBufferPointer { cp in
                                            var d = bk_gemm_desc(
                                                isa: isa.c, m: m, n: n, k: k, a: ap.baseAddress, lda: k,
                                                packed: UnsafeRawPointer(pp.baseAddress), format: BK_FORMAT_F32,
                                                c: cp.baseAddress, ldc: n, epilogue: epilogue,
                                                bias: bp.baseAddress, gamma: gp.baseAddress, beta: ep.baseAddress,
                                                eps: 1e-12, a_scale: nil)
                                            body(&d)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                run(&got) { #expect(bk_gemm(bk_pool_shared(), Int32(workers), &$0) == BK_OK) }
                run(&want) { d in w.withUnsafeBufferPointer { bk_ref_gemm(&d, $0.baseAddress) } }
                let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
                #expect(got.allSatisfy { $0.isFinite })
                #expect(
                    worst <= Self.gemmTolerance(k: k),
                    "\(isa) m=\(m) n=\(n) k=\(k) epilogue \(epilogue.rawValue) workers \(workers): \(worst)")
            }
        }
    }

    /// The activations, point by point over [-10, 10] (k = 1, input 1, weights x: the epilogue sees x itself), against
    /// Foundation's double-precision erf and tanh.
    @Test(arguments: Self.fp32Paths)
    func activationsMatchFoundation(isa: KernelISA) {
        let x = (0..<20_001).map { Float($0 - 10_000) / 1000 }
        let n = x.count
        var packed = [Float](repeating: 0, count: bk_packed_floats(isa.c, n, 1))
        bk_pack(isa.c, x, n, 1, &packed)
        let zero = [Float](repeating: 0, count: n), one: [Float] = [1]
        let references: [(bk_epilogue, (Double) -> Double)] = [
            (BK_EPILOGUE_BIAS_GELU, { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }),
            (
                BK_EPILOGUE_BIAS_GELU_TANH,
                { 0.5 * $0 * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * ($0 + 0.044715 * $0 * $0 * $0))) }
            ),
            (BK_EPILOGUE_BIAS_TANH, { Foundation.tanh($0) }),
            (BK_EPILOGUE_BIAS_SILU, { $0 / (1 + Foundation.exp(-$0)) }),
        ]
        for (epilogue, reference) in references {
            var out = [Float](repeating: 0, count: n)
            var d = bk_gemm_desc()
            d.isa = isa.c; d.m = 1; d.n = n; d.k = 1; d.lda = 1; d.ldc = n; d.epilogue = epilogue
            one.withUnsafeBufferPointer { xp in
                packed.withUnsafeBufferPointer { pp in
                    zero.withUnsafeBufferPointer { zp in
                        out.withUnsafeMutableBufferPointer { op in
                            d.a = xp.baseAddress; d.packed = UnsafeRawPointer(pp.baseAddress); d.bias = zp.baseAddress; d.c = op.baseAddress
                            bk_gemm(bk_pool_shared(), 1, &d)
                        }
                    }
                }
            }
            let worst = zip(x, out).map { abs(Double($1) - reference(Double($0))) }.max() ?? .infinity
            #expect(worst < 1e-6, "\(isa) epilogue \(epilogue.rawValue): \(worst)")
        }
    }

    /// Calls the kernels cannot serve say so (the scratch failure is exercised through the CLI, in its own process,
    /// with BERTKIT_SCRATCH_LIMIT: the cap is process-wide).
    @Test func kernelsReportWhatTheyCannotRun() {
        let x: [Float] = [1, 2, 3, 4], gamma: [Float] = [1, 1, 1, 1], beta: [Float] = [0, 0, 0, 0]
        var packed = [Float](repeating: 0, count: max(bk_packed_floats(BK_ISA_PORTABLE, 4, 4), 1))
        bk_pack(BK_ISA_PORTABLE, x + x + x + x, 4, 4, &packed)
        var out = [Float](repeating: 0, count: 4)
        func gemm(_ isa: bk_isa, _ epilogue: bk_epilogue, bias: UnsafePointer<Float>?) -> bk_status {
            x.withUnsafeBufferPointer { xp in
                packed.withUnsafeBufferPointer { pp in
                    out.withUnsafeMutableBufferPointer { op in
                        var d = bk_gemm_desc(
                            isa: isa, m: 1, n: 4, k: 4, a: xp.baseAddress, lda: 4, packed: UnsafeRawPointer(pp.baseAddress),
                            format: BK_FORMAT_F32, c: op.baseAddress, ldc: 4, epilogue: epilogue, bias: bias,
                            gamma: nil, beta: nil, eps: 1e-12, a_scale: nil)
                        return bk_gemm(bk_pool_shared(), 1, &d)
                    }
                }
            }
        }
        #expect(gemm(BK_ISA_PORTABLE, BK_EPILOGUE_NONE, bias: nil) == BK_OK)
        #expect(out == [30, 30, 30, 30])
        #expect(gemm(BK_ISA_PORTABLE, BK_EPILOGUE_BIAS, bias: nil) == BK_ERROR_ARGUMENT)
        beta.withUnsafeBufferPointer {
            #expect(gemm(BK_ISA_PORTABLE, BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM, bias: $0.baseAddress) == BK_ERROR_ARGUMENT)
        }
        let foreign = KernelISA.allCases.first { !KernelISA.supported.contains($0) }
        if let foreign {
            #expect(gemm(foreign.c, BK_EPILOGUE_NONE, bias: nil) == BK_ERROR_ISA, "\(foreign)")
            var y = x
            #expect(bk_layernorm(bk_pool_shared(), 1, foreign.c, &y, 1, 4, gamma, beta, 1e-12) == BK_ERROR_ISA)
        }
        var y = x
        #expect(bk_layernorm(bk_pool_shared(), 1, BK_ISA_PORTABLE, &y, 1, 4, nil, beta, 1e-12) == BK_ERROR_ARGUMENT)
        var attention = bk_attention_desc()
        attention.isa = BK_ISA_PORTABLE
        attention.count = 1
        attention.heads = 1
        #expect(bk_attention(bk_pool_shared(), 1, &attention) == BK_ERROR_ARGUMENT)  // no buffers, no scratch
    }

    @Test(arguments: Self.fp32Paths)
    func layerNormMatchesReference(isa: KernelISA) {
        var values = Values(state: 7)
        for (rows, width) in [(1, 1), (5, 7), (33, 384), (2, 385), (0, 16), (40, 768)] {
            let x = values.array(rows * width, scale: 3).map { $0 + 0.5 }
            let gamma = values.array(width).map { $0 + 1 }, beta = values.array(width)
            var got = x, want = x
            #expect(bk_layernorm(bk_pool_shared(), 2, isa.c, &got, rows, width, gamma, beta, 1e-12) == BK_OK)
            bk_ref_layernorm(&want, rows, width, gamma, beta, 1e-12)
            let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-5, "\(isa) \(rows)×\(width): \(worst)")
        }
    }

    /// Batches of sequences (with padded rows and empty sequences), head widths that are and are not multiples of
    /// the vector width, sequences longer than a key block (the online softmax's rescaling path), and MPNet's
    /// relative-position bias (a table of 2·span + 1 per head, distances inside and past it), and DeBERTa's
    /// disentangled terms (c2p and p2c tables of `width` relative positions per row and head, gathered by distance;
    /// both, or c2p alone).
    @Test(arguments: Self.fp32Paths, [1, 2])
    func attentionMatchesReference(isa: KernelISA, workers: Int) {
        var values = Values(state: 99)
        let cases: [(heads: Int, headDim: Int, lengths: [Int], rows: [Int], span: Int, width: Int, p2c: Bool, rope: Int, interleaved: Bool, window: Int)] = [
            (1, 8, [1], [1], 0, 0, false, 0, false, 0),
            (2, 32, [5, 17, 1], [5, 17, 1], 0, 0, false, 0, false, 0),
            (3, 7, [0, 4, 9], [9, 9, 9], 0, 0, false, 0, false, 0),  // padded layout: rows past a length are padding queries
            (12, 64, [60, 3], [60, 3], 0, 0, false, 0, false, 0),
            (2, 24, [300, 257], [300, 257], 0, 0, false, 0, false, 0),  // two key blocks
            (1, 32, [700], [700], 0, 0, false, 0, false, 0),  // three key blocks
            (3, 16, [20, 7, 0], [20, 8, 2], 128, 0, false, 0, false, 0),  // relative bias within the table, padded queries
            (2, 8, [600, 30], [600, 30], 128, 0, false, 0, false, 0),  // ...and past it on both sides, across key blocks
            (2, 8, [40], [40], 3, 0, false, 0, false, 0),  // a narrow table: most keys clamp to its ends
            (3, 16, [20, 7, 0], [20, 8, 2], 0, 24, true, 0, false, 0),  // DeBERTa: c2p and p2c, padded queries
            (2, 8, [520, 30], [520, 31], 0, 64, true, 0, false, 0),  // ...across key blocks, distances clamped at both ends
            (2, 8, [90], [90], 0, 16, false, 0, false, 0),  // c2p alone
            (2, 16, [20, 7, 0], [20, 8, 2], 0, 0, false, 16, false, 0),  // RoPE (NeoX pairs t, t + 8), padded queries
            (2, 32, [600, 30], [600, 30], 0, 0, false, 32, false, 0),  // ...across key blocks
            (3, 16, [40, 9], [40, 9], 0, 0, false, 8, false, 0),  // on the first half of each head only
            (2, 16, [300], [300], 0, 0, false, 16, true, 0),  // interleaved pairs (2t, 2t + 1), across key blocks
            (1, 24, [30], [30], 0, 0, false, 12, true, 0),  // ...on half the head
            (2, 16, [20, 7, 0], [20, 8, 2], 0, 0, false, 16, false, 3),  // a sliding window of 3 keys each side, RoPE
            (1, 8, [5], [20], 0, 0, false, 0, false, 2),  // padding queries past the window of every key: zeros
            (2, 16, [700, 30], [700, 33], 0, 0, false, 16, false, 64),  // ModernBERT's window, key blocks skipped
            (1, 32, [1100], [1100], 0, 0, false, 0, false, 64),  // ...without RoPE, five key blocks
            (2, 8, [600], [600], 0, 0, false, 0, false, 300),  // a window wider than a key block
        ]
        for c in cases {
            let hidden = c.heads * c.headDim
            let starts = c.rows.indices.map { c.rows[..<$0].reduce(0, +) }
            let total = c.rows.reduce(0, +)
            // Scores of a realistic spread (logits of several units), so the softmax is neither flat nor one-hot.
            let qkv = values.array(total * 3 * hidden, scale: 1.5)
            // Drawn only for the biased cases (the last ones), so the others keep the data they always had.
            let bias = c.span > 0 ? values.array(c.heads * (2 * c.span + 1), scale: 2) : [0]
            let ldPos = c.heads * c.width
            let c2p = c.width > 0 ? values.array(total * ldPos, scale: 1.5) : [0]
            let p2c = c.p2c ? values.array(total * ldPos, scale: 1.5) : [0]
            // Distance d = i − j to its table row: compressed and clamped, so rows repeat and both ends are reached.
            let center = (c.rows.max() ?? 1) - 1
            let rows = (-center...max(center, 0)).map { Int32(min(max($0 / 3 + c.width / 2, 0), max(c.width - 1, 0))) }
            // RoPE's angles p·10000^(−2t/rope) for the positions of the longest sequence (no draws: the data stays).
            let half = c.rope / 2
            let angles = (0..<(c.rope > 0 ? (c.rows.max() ?? 0) * half : 1)).map { index -> Double in
                half == 0 ? 0 : Double(index / half) * pow(10000, -2 * Double(index % half) / Double(c.rope))
            }
            let cosines = angles.map { Float(cos($0)) }, sines = angles.map { Float(sin($0)) }
            var got = [Float](repeating: .nan, count: total * hidden), want = got
            let longest = c.rows.max() ?? 0
            var scratch = [Float](repeating: .nan, count: bk_attention_scratch_floats(c.headDim, longest) * workers)
            func run(_ out: inout [Float], _ body: (inout bk_attention_desc) -> Void) {
                qkv.withUnsafeBufferPointer { q in
                    starts.withUnsafeBufferPointer { s in
                        c.rows.withUnsafeBufferPointer { r in
                            c.lengths.withUnsafeBufferPointer { l in
                                out.withUnsafeMutableBufferPointer { o in
                                    scratch.withUnsafeMutableBufferPointer { sc in
                                        bias.withUnsafeBufferPointer { rb in
                                            c2p.withUnsafeBufferPointer { cp in
                                                p2c.withUnsafeBufferPointer { pc in
                                                    rows.withUnsafeBufferPointer { index in
                                                      cosines.withUnsafeBufferPointer { rc in
                                                        sines.withUnsafeBufferPointer { rs in
                                                        var d = bk_attention_desc()
                                                        d.isa = isa.c
                                                        d.qkv = q.baseAddress
                                                        d.ld_qkv = 3 * hidden
                                                        d.hidden = hidden
                                                        d.heads = c.heads
                                                        d.head_dim = c.headDim
                                                        d.scale = 1 / Float(c.headDim).squareRoot()
                                                        d.out = o.baseAddress
                                                        d.ld_out = hidden
                                                        d.count = c.rows.count
                                                        d.row_start = s.baseAddress
                                                        d.rows = r.baseAddress
                                                        d.lengths = l.baseAddress
                                                        d.scratch = sc.baseAddress
                                                        if c.span > 0 {
                                                            d.rel_bias = rb.baseAddress
                                                            d.rel_span = c.span
                                                        }
                                                        if c.width > 0 {
                                                            d.c2p = cp.baseAddress
                                                            d.p2c = c.p2c ? pc.baseAddress : nil
                                                            d.ld_pos = ldPos
                                                            d.pos_width = c.width
                                                            d.pos_index = index.baseAddress
                                                            d.pos_center = center
                                                        }
                                                        if c.rope > 0 {
                                                            d.rope_cos = rc.baseAddress
                                                            d.rope_sin = rs.baseAddress
                                                            d.rope_dim = c.rope
                                                            d.rope_positions = c.rows.max() ?? 0
                                                            d.rope_interleaved = c.interleaved ? 1 : 0
                                                        }
                                                        d.window = c.window
                                                        body(&d)
                                                        }
                                                      }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            run(&got) { bk_attention(bk_pool_shared(), Int32(workers), &$0) }
            run(&want) { bk_ref_attention(&$0) }
            // Relative to the output's scale: softmax-weighted means of values of unit scale.
            let worst = zip(got, want).map { abs($0 - $1) / (1 + abs($1)) }.max() ?? 0
            #expect(got.allSatisfy { $0.isFinite }, "\(isa) \(c)")
            #expect(worst <= 2e-6, "\(isa) heads \(c.heads)×\(c.headDim) lengths \(c.lengths) span \(c.span) width \(c.width) rope \(c.rope) window \(c.window): \(worst)")
        }
    }

    /// Products started from several threads at once: the pool runs one, the others run on their callers, and every
    /// result is the same as alone.
    @Test func concurrentProductsAgree() async {
        let isa = KernelISA.best
        var values = Values(state: 3)
        let (m, n, k) = (50, 300, 200)
        let a = values.array(m * k), w = values.array(n * k, scale: 0.07), bias = values.array(n)
        var packed = [Float](repeating: 0, count: bk_packed_floats(isa.c, n, k))
        bk_pack(isa.c, w, n, k, &packed)
        let frozen = packed
        @Sendable func product() -> [Float] {
            var out = [Float](repeating: 0, count: m * n)
            var d = bk_gemm_desc()
            d.isa = isa.c; d.m = m; d.n = n; d.k = k; d.lda = k; d.ldc = n; d.epilogue = BK_EPILOGUE_BIAS_GELU
            a.withUnsafeBufferPointer { ap in
                frozen.withUnsafeBufferPointer { pp in
                    bias.withUnsafeBufferPointer { bp in
                        out.withUnsafeMutableBufferPointer { op in
                            d.a = ap.baseAddress; d.packed = UnsafeRawPointer(pp.baseAddress); d.bias = bp.baseAddress; d.c = op.baseAddress
                            bk_gemm(bk_pool_shared(), 8, &d)
                        }
                    }
                }
            }
            return out
        }
        let alone = product()
        let results = await withTaskGroup(of: [Float].self) { group in
            for _ in 0..<16 { group.addTask { product() } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == alone })
    }

    @Test func instructionSetIsChosenAndCanBeForced() throws {
        #expect(KernelISA.supported.contains(.portable))
        #expect(KernelISA.best.isSupported)
        #expect(try KernelISA.resolve(nil, environment: [:]) == KernelISA.best)
        #expect(try KernelISA.resolve(nil, environment: ["BERTKIT_ISA": "portable"]) == .portable)
        #expect(try KernelISA.resolve(.portable, environment: ["BERTKIT_ISA": "avx2"]) == .portable)
        #expect(throws: BertKitError.self) { try KernelISA.resolve(nil, environment: ["BERTKIT_ISA": "sse9"]) }
        for isa in KernelISA.allCases where !isa.isSupported {
            #expect(throws: BertKitError.self) { try KernelISA.resolve(isa, environment: [:]) }
        }
        // The panel layout is the micro-kernel's width: a multiple of the vector width, zero-padded.
        for isa in KernelISA.supported {
            let width = bk_panel_width(isa.c)
            #expect(width >= 4 && width % 4 == 0)
            #expect(bk_packed_floats(isa.c, width + 1, 3) == 2 * width * 3)
        }
    }
}

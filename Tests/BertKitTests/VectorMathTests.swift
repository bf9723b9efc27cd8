@testable import BertKit
import Foundation
import Testing

/// The SIMD approximations against Foundation's double-precision functions, over a dense grid.
@Suite struct VectorMathTests {
    static func worst(_ f: (Vector) -> Vector, _ reference: (Double) -> Double, from: Float, to: Float,
                      relative: Bool) -> Double {
        var worst = 0.0
        var x = from
        let step = (to - from) / 50_000
        while x < to {
            let lanes = Vector((0..<8).map { x + Float($0) * step / 8 })
            let got = f(lanes)
            for i in 0..<8 {
                let want = reference(Double(lanes[i]))
                let error = abs(Double(got[i]) - want) / (relative ? max(abs(want), 1e-30) : 1)
                worst = max(worst, error)
            }
            x += step
        }
        return worst
    }

    @Test func expIsWithinFourUlps() {
        #expect(Self.worst(VectorMath.exp, Foundation.exp, from: -87, to: 88, relative: true) < 5e-7)
    }

    @Test func erfIsWithinHalfAMillionth() {
        #expect(Self.worst(VectorMath.erf, Foundation.erf, from: -6, to: 6, relative: false) < 5e-7)
    }

    @Test func geluMatchesTheExactForm() {
        let exact: (Double) -> Double = { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }
        #expect(Self.worst(VectorMath.gelu, exact, from: -10, to: 10, relative: false) < 2e-6)
        let tanhForm: (Double) -> Double = { 0.5 * $0 * (1 + Foundation.tanh(0.7978845608028654 * ($0 + 0.044715 * $0 * $0 * $0))) }
        #expect(Self.worst(VectorMath.geluTanh, tanhForm, from: -10, to: 10, relative: false) < 2e-6)
    }

    @Test func softmaxIgnoresColumnsPastValid() {
        // Rows of width 11 (one vector + a tail of 3), only the first 9 valid.
        var scores: [Float] = (0..<22).map { Float($0 % 11) * 0.5 }
        scores.withUnsafeMutableBufferPointer { FusedKernels.softmax($0.baseAddress!, rows: 2, ld: 11, valid: 9) }
        let logits = (0..<9).map { Double($0) * 0.5 }
        let total = logits.map { Foundation.exp($0 - 4) }.reduce(0, +)
        for r in 0..<2 {
            for j in 0..<9 { #expect(abs(Double(scores[r * 11 + j]) - Foundation.exp(logits[j] - 4) / total) < 1e-7) }
            #expect(scores[r * 11 + 9] == 4.5 && scores[r * 11 + 10] == 5)
        }
    }
}

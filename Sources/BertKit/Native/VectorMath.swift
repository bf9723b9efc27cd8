/// Vectorized float math for the element-wise kernels, in portable Swift SIMD (8 lanes: one AVX register, two SSE).
/// Accuracy is checked against Foundation's `exp`/`erf` in `VectorMathTests`.
typealias Vector = SIMD8<Float>

enum VectorMath {
    static let lanes = Vector.scalarCount

    /// `exp(x)`: Cephes' `expf` (range reduction by ln 2 split in two constants, degree-5 polynomial); relative
    /// error about 2e-7. Inputs are clamped to [-87.3, 88.7], the finite range of float.
    @inline(__always)
    static func exp(_ v: Vector) -> Vector {
        let x = clamp(v, -87.3, 88.7)
        // n = round(x / ln 2) by the 1.5 · 2²³ trick: adding it leaves n in the low mantissa bits.
        let shifted = x * 1.44269504088896341 + 12582912
        let n = shifted - 12582912
        let r = x - n * 0.693359375 - n * -2.12194440e-4
        var p = Vector(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * r * r + r + 1
        let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return y * unsafeBitCast(exponent, to: Vector.self)
    }

    /// `erf(x)`: the rational approximation of Eigen and XLA, `x · P(x²) / Q(x²)` on [-4, 4] (erf is ±1 in float
    /// beyond); absolute error under 5e-7 (VectorMathTests).
    @inline(__always)
    static func erf(_ v: Vector) -> Vector {
        let x = clamp(v, -4, 4)
        let x2 = x * x
        var p = x2 * -2.72614225801306e-10 + 2.77068142495902e-08
        p = x2 * p + -2.10102402082508e-06
        p = x2 * p + -5.69250639462346e-05
        p = x2 * p + -7.34990630326855e-04
        p = x2 * p + -2.95459980854025e-03
        p = x2 * p + -1.60960333262415e-02
        var q = x2 * -1.45660718464996e-05 + -2.13374055278905e-04
        q = x2 * q + -1.68282697438203e-03
        q = x2 * q + -7.37332916720468e-03
        q = x2 * q + -1.42647390514189e-02
        return x * p / q
    }

    /// `tanh(x) = 1 - 2 / (exp(2x) + 1)`, with `exp` above (saturates cleanly at ±1).
    @inline(__always)
    static func tanh(_ v: Vector) -> Vector {
        1 - 2 / (exp(2 * v) + 1)
    }

    /// Exact GELU: `0.5 · x · (1 + erf(x / √2))`.
    @inline(__always)
    static func gelu(_ x: Vector) -> Vector {
        0.5 * x * (1 + erf(x * 0.70710678118654752))
    }

    /// GELU, tanh approximation (`gelu_new`): `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 x³)))`.
    @inline(__always)
    static func geluTanh(_ x: Vector) -> Vector {
        0.5 * x * (1 + tanh(0.79788456080286536 * (x + 0.044715 * x * x * x)))
    }

    /// `v` limited to `[low, high]` (by lane-wise selects, which compile to min/max instructions).
    @inline(__always)
    static func clamp(_ v: Vector, _ low: Float, _ high: Float) -> Vector {
        let lowered = v.replacing(with: high, where: v .> high)
        return lowered.replacing(with: low, where: lowered .< low)
    }

    /// Lane-wise maximum.
    @inline(__always)
    static func max(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: b .> a)
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// A vector of `p[0..<count]` (count < 8) with the rest `fill`.
    @inline(__always)
    static func loadPartial(_ p: UnsafePointer<Float>, count: Int, fill: Float) -> Vector {
        var v = Vector(repeating: fill)
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    @inline(__always)
    static func storePartial(_ v: Vector, _ p: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { p[i] = v[i] }
    }
}

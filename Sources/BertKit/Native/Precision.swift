import BertModelIO
import CBertKernels

/// The number format the native engine stores its encoder's weight matrices in. Products always accumulate and
/// finish (bias, activation, residual and LayerNorm) in fp32; attention, LayerNorm, embeddings and the
/// classification head stay fp32.
public enum Precision: String, Sendable, CaseIterable, Codable {
    /// fp32 weights and products: the reference.
    case fp32
    /// bf16 weights. With AVX512_BF16 (`KernelISA.avx512BF16`) the activations are rounded to bf16 and the products
    /// run on `vdpbf16ps`; on other instruction sets the weights are widened to fp32 inside the kernel (half the
    /// weight traffic, fp32 arithmetic).
    case bf16
    /// fp16 weights widened to fp32 inside the kernel (F16C on x86-64): half the weight traffic.
    case fp16
    /// int8 weights (symmetric, per output channel) and int8 activations (asymmetric, per token, quantized as each
    /// product starts), int32 accumulation, dequantized in the fp32 epilogue. `vpdpbusd` with AVX512_VNNI;
    /// `vpmaddubsw` with 7-bit weights (no 16-bit saturation) on AVX-512BW and AVX2; plain C elsewhere.
    case int8

    var format: bk_format {
        switch self {
        case .fp32: BK_FORMAT_F32
        case .bf16: BK_FORMAT_BF16
        case .fp16: BK_FORMAT_F16
        case .int8: BK_FORMAT_I8
        }
    }

    /// Parses `fp32`, `bf16`, `fp16` or `int8` (also `float32`, `bfloat16`, `float16`, `half`, `i8`), with an
    /// error that lists the choices.
    public static func parse(_ name: String) throws -> Precision {
        let aliases: [String: Precision] = [
            "float32": .fp32, "f32": .fp32, "bfloat16": .bf16, "float16": .fp16,
            "half": .fp16, "f16": .fp16, "i8": .int8, "qint8": .int8,
        ]
        let key = name.lowercased()
        guard let precision = Precision(rawValue: key) ?? aliases[key] else {
            throw BertKitError.invalidArgument(
                "\(name) is not a precision; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return precision
    }
}

/// How an encoder's weights are packed: the instruction set their panels are laid out for and their format.
struct WeightPacking: Sendable {
    let isa: KernelISA
    let precision: Precision
    /// int8: the activation statistics that smooth each product (nil: none).
    var smoothing: SmoothingPlan? = nil

    /// The smoothing factors of the product `name` with weight `parts` (int8 with a plan that has its statistics).
    func smoothingFactors(for name: String, parts: [FloatTensor]) -> [Float]? {
        precision == .int8 ? smoothing?.factors(for: name, parts: parts) : nil
    }
}

import CBertKernels
import Foundation

/// The instruction set the native engine's kernels run on. Chosen once when a model loads (the weights are packed
/// for it): the best this CPU supports, unless `BERTKIT_ISA` or `NativeBackend.Options.isa` asks for another.
public enum KernelISA: String, Sendable, CaseIterable {
    /// Plain C over 128-bit vectors: runs on every CPU.
    case portable
    /// x86-64 AVX2 with FMA.
    case avx2
    /// AVX2 with AVX-VNNI: int8 products on the 256-bit `vpdpbusd` over full 8-bit weights (fp32 kernels as `avx2`).
    case avxVNNI = "avx_vnni"
    /// x86-64 AVX-512 F/BW/VL.
    case avx512
    /// AVX-512 with VNNI: int8 products on `vpdpbusd` (fp32 kernels as `avx512`).
    case avx512VNNI = "avx512_vnni"
    /// AVX-512 with VNNI and BF16: bf16 products on `vdpbf16ps` (otherwise as `avx512VNNI`).
    case avx512BF16 = "avx512_bf16"
    /// arm64 Advanced SIMD.
    case neon

    var c: bk_isa {
        switch self {
        case .portable: BK_ISA_PORTABLE
        case .avx2: BK_ISA_AVX2
        case .avxVNNI: BK_ISA_AVX_VNNI
        case .avx512: BK_ISA_AVX512
        case .avx512VNNI: BK_ISA_AVX512_VNNI
        case .avx512BF16: BK_ISA_AVX512_BF16
        case .neon: BK_ISA_NEON
        }
    }

    /// Whether the fp32 kernels are another set's (`avx_vnni`, `avx512_vnni` and `avx512_bf16` add int8 and bf16
    /// instructions only): tests of the fp32 paths skip these.
    public var sharesFP32Kernels: Bool { self == .avxVNNI || self == .avx512VNNI || self == .avx512BF16 }

    /// The largest |quantized weight| of its int8 products (127; 63 where `vpmaddubsw` would saturate).
    public var int8WeightLevels: Int { Int(bk_i8_weight_levels(c)) }

    /// Whether its bf16 products round activations to bf16 (`vdpbf16ps`) rather than widening the weights.
    public var roundsBF16Activations: Bool { bk_bf16_rounds_activations(c) != 0 }

    /// Whether this CPU (and its operating system) can run these kernels.
    public var isSupported: Bool { bk_isa_supported(c) != 0 }

    /// The fastest instruction set this CPU supports.
    public static var best: KernelISA {
        allCases.first { $0.c == bk_isa_best() } ?? .portable
    }

    /// Every instruction set this CPU supports, slowest first.
    public static var supported: [KernelISA] { allCases.filter(\.isSupported) }

    /// The environment variable that forces an instruction set (`avx512_bf16`, `avx512_vnni`, `avx512`, `avx_vnni`,
    /// `avx2`, `neon`, `portable`).
    public static let environmentVariable = "BERTKIT_ISA"

    /// `requested`, else `BERTKIT_ISA`, else `best`; an unknown name or a set this CPU lacks is an error.
    public static func resolve(
        _ requested: KernelISA? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> KernelISA {
        let isa: KernelISA
        if let requested {
            isa = requested
        } else if let name = environment[environmentVariable], !name.isEmpty {
            guard let named = KernelISA(rawValue: name.lowercased()) else {
                throw BertKitError.invalidArgument(
                    "\(environmentVariable)=\(name) is not an instruction set; use one of \(allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            isa = named
        } else {
            return best
        }
        guard isa.isSupported else {
            throw BertKitError.invalidArgument(
                "instruction set \(isa.rawValue) is not supported by this CPU (supported: \(supported.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        return isa
    }
}

/// The kernels, pool and thread count one forward pass runs on.
struct KernelContext {
    let isa: KernelISA
    let pool: OpaquePointer?
    let workers: Int
    /// A calibration pass: every product records its inputs' column maxima here.
    var calibration: ChannelMaxima?

    init(isa: KernelISA, workers: Int, calibration: ChannelMaxima? = nil) {
        self.isa = isa
        pool = bk_pool_shared()
        self.workers = max(1, workers)
        self.calibration = calibration
    }
}

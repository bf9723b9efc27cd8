/// How an ONNX Runtime session runs.
public struct ORTSessionOptions: Sendable, Equatable {
    /// ONNX Runtime's graph optimization levels.
    public enum GraphOptimization: String, Sendable, CaseIterable {
        case disabled, basic, extended, all

        var value: Int32 {
            switch self {
            case .disabled: return 0
            case .basic: return 1
            case .extended: return 2
            case .all: return 99
            }
        }
    }

    /// Where the graph runs.
    public enum Provider: Sendable, Equatable {
        /// ONNX Runtime's CPU kernels.
        case cpu
        /// NVIDIA GPU `device` through the CUDA execution provider (onnxruntime-gpu builds only).
        case cuda(device: Int)
    }

    /// Graph rewrites done when the session loads (default: all).
    public var graphOptimization: GraphOptimization
    /// Threads inside one operator; 0 lets ONNX Runtime choose (one per physical core).
    public var intraOpThreads: Int
    /// Threads across independent operators (only used in parallel execution); 0 lets ONNX Runtime choose.
    public var interOpThreads: Int
    /// Run independent branches of the graph in parallel (ONNX Runtime's ORT_PARALLEL mode).
    public var parallelExecution: Bool
    /// ONNX Runtime's CPU memory arena (faster repeated runs, memory kept after the largest batch).
    public var memoryArena: Bool
    /// The execution provider.
    public var provider: Provider

    /// Options; the defaults are ONNX Runtime's own.
    public init(
        graphOptimization: GraphOptimization = .all, intraOpThreads: Int = 0, interOpThreads: Int = 0,
        parallelExecution: Bool = false, memoryArena: Bool = true, provider: Provider = .cpu
    ) {
        self.graphOptimization = graphOptimization
        self.intraOpThreads = intraOpThreads
        self.interOpThreads = interOpThreads
        self.parallelExecution = parallelExecution
        self.memoryArena = memoryArena
        self.provider = provider
    }
}

import BertModelIO
import Foundation

/// What sentence-transformers does after pooling: its `Dense` modules (`y = activation(W·x + b)`), then
/// `Normalize` (L2). Runs in BertModel on every backend's pooled vectors.
public struct SentenceHead: Sendable {
    /// One `Dense` module with its weights.
    struct Dense: Sendable {
        let weight: [Float]  // [out, in]
        let bias: [Float]?
        let inFeatures: Int
        let outFeatures: Int
        let activation: @Sendable (Float) -> Float

        func callAsFunction(_ x: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: outFeatures)
            weight.withUnsafeBufferPointer { w in
                for o in 0..<outFeatures {
                    var sum: Float = bias?[o] ?? 0
                    for i in 0..<inFeatures { sum += w[o * inFeatures + i] * x[i] }
                    y[o] = activation(sum)
                }
            }
            return y
        }

        /// The function of a `DenseModuleConfig.activations` name, chosen once at load.
        static func activation(named name: String) -> @Sendable (Float) -> Float {
            switch name {
            case "Tanh": return { Foundation.tanh($0) }
            case "ReLU": return { max($0, 0) }
            case "GELU": return { 0.5 * $0 * (1 + Float(Foundation.erf(Double($0) / 2.0.squareRoot()))) }
            case "Sigmoid": return { 1 / (1 + Foundation.exp(-$0)) }
            default: return { $0 }
            }
        }
    }

    let dense: [Dense]
    /// L2-normalize after the Dense modules.
    public internal(set) var normalize: Bool

    /// The Dense modules of `config` with their weights (`model.safetensors` or `pytorch_model.bin` in each module's
    /// folder, keys `linear.weight` / `linear.bias`), checked against the pooled width `pooled`.
    public init(directory: String, config: SentenceTransformersConfig, pooled: Int) throws {
        var width = pooled
        var modules: [Dense] = []
        for module in config.dense {
            let folder = directory + "/" + module.path
            guard module.inFeatures == width else {
                throw ModelIOError.invalidConfig(
                    path: folder + "/config.json", field: "in_features",
                    reason: "is \(module.inFeatures), but the vectors before it have \(width) values")
            }
            let safetensors = folder + "/model.safetensors", pickle = folder + "/pytorch_model.bin"
            let source: any TensorSource
            if FileManager.default.fileExists(atPath: safetensors) {
                source = try SafeTensorsFile(path: safetensors)
            } else if FileManager.default.fileExists(atPath: pickle) {
                source = try PyTorchCheckpoint(path: pickle)
            } else {
                throw ModelIOError.missingFile(safetensors)
            }
            let store = WeightStore(source: source, prefix: "")
            let weight = try store.floats("linear.weight", shape: [module.outFeatures, module.inFeatures])
            let bias = module.bias ? try store.floats("linear.bias", shape: [module.outFeatures]).values : nil
            modules.append(
                Dense(
                    weight: weight.values, bias: bias, inFeatures: module.inFeatures,
                    outFeatures: module.outFeatures, activation: Dense.activation(named: module.activation)))
            width = module.outFeatures
        }
        dense = modules
        normalize = config.normalize
        dimension = width
    }

    /// The width of the vectors it outputs.
    public let dimension: Int

    /// Applies the Dense modules, then the normalization.
    public func callAsFunction(_ pooled: [Float]) -> [Float] {
        var x = pooled
        for module in dense { x = module(x) }
        if normalize { VectorMath.l2Normalize(&x) }
        return x
    }
}

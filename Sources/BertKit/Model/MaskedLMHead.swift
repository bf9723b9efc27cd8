import BertModelIO
import Foundation

/// The masked-language-model head of `BertForMaskedLM` (`cls.predictions`) and `DistilBertForMaskedLM`
/// (`vocab_transform`, `vocab_layer_norm`, `vocab_projector`), reduced as SPLADE reduces it: each token's logits over
/// the vocabulary, then the maximum over the sequence's tokens of log(1 + ReLU(logit)). The decoder's weight is the
/// word-embedding table when the checkpoint ties them (no decoder tensor of its own).
/// https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/bert/modeling_bert.py#L700
struct MaskedLMHead: Sendable {
    let transform: Linear
    let activation: ActivationKind
    let decoder: Linear
    let norm: LayerNorm

    /// Rows of a sequence sent through the head at once (their logits are `rowsPerStep × vocabulary` floats).
    static let rowsPerStep = 32

    /// Bytes of packed weight matrices it holds.
    var packedWeightBytes: Int { transform.weight.byteCount + decoder.weight.byteCount }

    /// Reads the head of `config`'s architecture, its products packed as `packing` says; throws `noMaskedLMHead`
    /// naming the first tensor missing.
    init(_ store: WeightStore, config: BertConfig, packing: WeightPacking) throws {
        let spec = config.architecture.spec
        let h = config.hiddenSize
        guard let head = spec.maskedLM else {
            throw BertKitError.noMaskedLMHead(path: store.path, tensor: "(\(config.architecture.rawValue) has no masked-language-model head BertKit runs)")
        }
        let names: (weight: String, bias: String)
        do {
            names = try head.decoder(in: store, wordEmbeddings: spec.embeddings.word + ".weight")
        } catch ModelIOError.missingTensor(let tensor, _) {
            throw BertKitError.noMaskedLMHead(path: store.path, tensor: tensor)
        }
        transform = try Linear(store, head.transform, in: h, out: h, packing: packing)
        norm = try LayerNorm(store, head.transformNorm, width: h, eps: head.eps ?? config.layerNormEps)
        decoder = try Linear(store, weight: names.weight, bias: names.bias, in: h, out: config.vocabSize, packing: packing)
        activation = ActivationKind(config.hiddenAct)
    }

    /// The sparse vector of one sequence from its `length` rows of last hidden state at `rows`: `scratch` holds
    /// `rowsPerStep × (hidden + vocabulary)` floats.
    func callAsFunction(
        _ rows: UnsafePointer<Float>, length: Int, scratch: UnsafeMutablePointer<Float>, _ ctx: KernelContext
    ) throws -> SparseVector {
        let h = transform.inFeatures, vocabulary = decoder.outFeatures
        var maxima = [Float](repeating: -.infinity, count: vocabulary)
        let transformed = scratch, logits = scratch + Self.rowsPerStep * h
        for start in stride(from: 0, to: length, by: Self.rowsPerStep) {
            let count = min(Self.rowsPerStep, length - start)
            try transform(rows + start * h, rows: count, into: transformed, .activation(activation), ctx)
            try norm(transformed, rows: count, ctx)
            try decoder(UnsafePointer(transformed), rows: count, into: logits, .bias, ctx)
            for r in 0..<count {
                let row = logits + r * vocabulary
                for v in 0..<vocabulary where row[v] > maxima[v] { maxima[v] = row[v] }
            }
        }
        // log(1 + ReLU(x)) is increasing, so the maximum of it is it of the maximum logit.
        var indices: [Int] = [], values: [Float] = []
        for (index, logit) in maxima.enumerated() where logit > 0 {
            indices.append(index)
            values.append(Foundation.log1p(logit))
        }
        return SparseVector(indices: indices, values: values)
    }
}

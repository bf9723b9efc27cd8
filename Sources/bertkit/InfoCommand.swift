import ArgumentParser
import BertKit
import BertModelIO
import Foundation

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Describe a model folder: architecture, sizes, parameters, tokenizer, pooling, labels.")

    @Option(name: .long, help: "Model folder, or a Hub name ORG/NAME[@REVISION] (Hugging Face cache, downloaded when missing).")
    var model: String

    func run() throws {
        try reportingErrors {
            let loaded = try BertModel(directory: ModelLocation.folder(model))
            let c = loaded.config
            let native = loaded.backend as? NativeBackend
            let source = native?.weights.source
            let names = source?.tensorNames ?? []
            let parameters = names.filter { ["F32", "F16", "BF16"].contains(source?.dtypeName(of: $0) ?? "") }
                .reduce(0) { $0 + (source?.shape(of: $1)?.reduce(1, *) ?? 0) }
            let dtypes = Set(names.compactMap { source?.dtypeName(of: $0) }).sorted()
            let labels = c.id2label.keys.sorted().map { JSONLineWriter.quote(c.id2label[$0] ?? "") }
            let fields: [(String, String)] = [
                ("model_type", JSONLineWriter.quote(c.architecture.rawValue)),
                ("architectures", "[" + c.architectures.map(JSONLineWriter.quote).joined(separator: ",") + "]"),
                ("hidden_size", "\(c.hiddenSize)"),
                ("num_hidden_layers", "\(c.numHiddenLayers)"),
                ("num_attention_heads", "\(c.numAttentionHeads)"),
                ("intermediate_size", "\(c.intermediateSize)"),
                ("hidden_act", JSONLineWriter.quote(c.hiddenAct.rawValue)),
                ("vocab_size", "\(c.vocabSize)"),
                ("max_position_embeddings", "\(c.maxPositionEmbeddings)"),
                ("max_length", "\(loaded.maxLength)"),
                ("parameters", "\(parameters)"),
                ("weight_dtypes", "[" + dtypes.map(JSONLineWriter.quote).joined(separator: ",") + "]"),
                ("tokenizer", JSONLineWriter.quote(loaded.tokenizer.modelKind)),
                ("tokenizer_vocab_size", "\(loaded.tokenizer.model.vocabularySize)"),
                ("pooling", "[" + loaded.pooling.modes.map { JSONLineWriter.quote($0.rawValue) }.joined(separator: ",") + "]"),
                ("normalize", "\(loaded.pooling.normalize)"),
                ("embedding_dimension", "\(loaded.embeddingDimension)"),
                ("classification_head", "\(native?.hasClassificationHead ?? false)"),
                ("labels", "[" + labels.joined(separator: ",") + "]"),
                ("weights_file_bytes", "\(native?.weights.source.mapping.count ?? 0)"),
                ("kernels", JSONLineWriter.quote(native?.isa.rawValue ?? "none")),
                ("kernels_supported", "[" + KernelISA.supported.map { JSONLineWriter.quote($0.rawValue) }.joined(separator: ",") + "]"),
                ("threads", "\(native?.options.resolvedThreads ?? 0)"),
                ("resident_memory_after_load_kb", ResidentMemory.current().json),
            ]
            let body = fields.map { "  \(JSONLineWriter.quote($0.0)): \($0.1)" }.joined(separator: ",\n")
            print("{\n" + body + "\n}")
        }
    }
}

import BertBackends
import BertONNX
import Foundation
import TestSupport
import Testing

/// The one suite every backend of `BackendCatalog.standard` runs: the same inputs, the same references
/// (transformers' logits in Tests/Fixtures/models/*/expected.json). A backend joins BertKit by registering in the
/// catalog and passing this suite; the only per-backend code here makes the model file a backend runs from a
/// fixture folder (`modelFile`), by file kind.
///
/// For each backend and each of its variants (native: packed and padded, each on every fp32 instruction-set path
/// of this CPU): logits within 1e-4 of transformers, one input per batch and all in one padded batch; embeddings
/// equal to the native engine's within 1e-5; an empty batch gives no rows. A backend whose library is absent
/// (torchscript without its libtorch plug-in) must say so in one line and is then checked for exactly that.
@Suite struct BackendConformanceTests {
    static let tolerance: Float = 1e-4

    /// Every fixture with transformers' logits: BERT, RoBERTa, DistilBERT, the realistic-magnitude BERT and XLM-R
    /// (the latter from sentencepiece.bpe.model), MPNet, ELECTRA, DeBERTa-v3/v2 and GTE.
    static let models = [
        "tiny-bert-cls", "tiny-roberta-cls", "tiny-distilbert-cls", "tiny-bert-cls-sharp", "tiny-xlmr-spm", "tiny-mpnet-cls",
        "tiny-electra-cls", "tiny-deberta-v3-cls", "tiny-deberta-v2-cls", "tiny-gte-cls", "tiny-nomic-cls", "tiny-modernbert-cls",
    ]

    struct Case: CustomTestStringConvertible, Sendable {
        let backend: String
        let variant: String
        let isa: KernelISA?
        var testDescription: String { variant + (isa.map { " \($0)" } ?? "") }
    }

    /// Each variant of each backend; the engines that run the weights themselves on every fp32 kernel path.
    static let cases: [Case] = BackendCatalog.standard.providers.flatMap { provider in
        provider.variants.flatMap { variant in
            provider.fileKind == nil
                ? KernelISA.supported.filter { !$0.sharesFP32Kernels }.map { Case(backend: provider.name, variant: variant, isa: $0) }
                : [Case(backend: provider.name, variant: variant, isa: nil)]
        }
    }

    /// The file a backend runs for fixture `model`: none for engines that read the weights, an export for ONNX, the
    /// traced fixture for TorchScript (nil: no traced file for this model). A new kind of backend adds its maker here.
    static func modelFile(kind: String?, model: String) throws -> String?? {
        switch kind {
        case nil:
            return .some(nil)
        case "onnx":
            let file = try Fixtures.temporaryDirectory().appendingPathComponent("model.onnx").path
            try ONNXExporter.export(directory: Fixtures.path("models/\(model)"), to: file, options: .init(task: .classification))
            return file
        case "torchscript":
            let file = Fixtures.path("torchscript/\(model).pt")
            guard FileManager.default.fileExists(atPath: file) else { return .none }  // not .some(nil): skip the model
            return .some(file)
        case let other?:
            Issue.record(
                "the conformance suite cannot make a model file of kind \(other): add a maker to BackendConformanceTests.modelFile")
            return .none
        }
    }

    @Test(arguments: cases)
    func backendMatchesTransformers(c: Case) throws {
        let catalog = BackendCatalog.standard
        let variant = try catalog.variant(named: c.variant)
        var checked = 0
        for model in Self.models {
            guard let file = try Self.modelFile(kind: variant.provider.fileKind, model: model) else { continue }
            let options = BertModel.Options(threads: 1, mode: variant.layout ?? .packed, isa: c.isa)
            let request = BackendRequest(
                directory: Fixtures.path("models/\(model)"), options: options, modelFile: file,
                library: Fixtures.onnxRuntimeLibrary)
            if let reason = variant.provider.unavailableReason(request) {
                #expect(!reason.isEmpty && !reason.contains("\n"), "\(reason)")
                #if TorchScript
                Issue.record("\(c.variant) is unavailable in a build with every backend: \(reason)")
                #else
                #expect(variant.provider.fileKind == "torchscript" && reason.contains("--traits TorchScript"), "\(c.variant): \(reason)")
                #endif
                return
            }
            let loaded = try catalog.load(c.backend, request)
            let json = try Fixtures.json("models/\(model)/expected.json")
            let inputs = (json["inputs"] as! [[String: Any]]).map { TextInput($0["text"] as! String, pair: $0["text_pair"] as? String) }
            let want = (json["logits"] as! [[Double]]).map { $0.map(Float.init) }
            let encodings = try inputs.map { try loaded.tokenize($0) }
            #expect(encodings.map(\.ids) == json["ids"] as! [[Int]], "\(c) \(model): ids")
            #expect(loaded.backend.hasClassificationHead)
            // Each input alone; a file that cannot take an input (a pair on a graph without token_type_ids) must
            // refuse it in one line, never answer wrongly.
            var kept: [Int] = [], single: [[Float]] = []
            for (index, encoding) in encodings.enumerated() {
                do {
                    single += try loaded.backend.classify(TokenBatch([encoding]))
                    kept.append(index)
                } catch {
                    let message = "\(error)"
                    #expect(
                        inputs[index].pair != nil && message.contains("token_type_ids") && !message.contains("\n"),
                        "\(c) \(model) input \(index): \(message)")
                }
            }
            #expect(kept.count * 2 >= inputs.count, "\(c) \(model): only \(kept.count) of \(inputs.count) inputs ran")
            let keptEncodings = kept.map { encodings[$0] }, keptWant = kept.map { want[$0] }
            let batched = try loaded.backend.classify(TokenBatch(keptEncodings))
            for (label, got) in [("one per batch", single), ("one padded batch", batched)] {
                let worst = Fixtures.maxDifference(got, keptWant)
                #expect(worst <= Self.tolerance, "\(c) \(model) \(label): \(worst) from transformers")
            }
            // Embeddings where the file has them (a traced classifier outputs only logits: a one-line error then).
            let native = try BertModel(directory: Fixtures.path("models/\(model)"), options: .init(threads: 1))
            let reference = try native.backend.embed(TokenBatch(keptEncodings))
            do {
                let embedded = try loaded.backend.embed(TokenBatch(keptEncodings))
                #expect(Fixtures.maxDifference(embedded, reference) <= 1e-5, "\(c) \(model): embeddings")
            } catch {
                #expect(
                    variant.provider.fileKind != nil && !"\(error)".contains("\n") && "\(error)".contains(file ?? "-"),
                    "\(c) \(model): \(error)")
            }
            #expect(try loaded.backend.classify(TokenBatch(Array(encodings.prefix(0)))).isEmpty)
            checked += 1
        }
        #expect(checked >= 3, "\(c): only \(checked) fixtures")
    }

    /// The catalog's own rules: names, variants, precision checks, unknown names listed.
    @Test func catalogResolvesNamesAndRefusesWhatABackendCannotRun() throws {
        let catalog = BackendCatalog.standard
        #expect(catalog.names == ["native", "onnxruntime", "torchscript"])
        #expect(try catalog.variant(named: "native-padded").layout == .padded)
        #expect(try catalog.variant(named: "native").layout == .packed)
        #expect(try catalog.variant(named: "onnxruntime").layout == nil)
        do {
            _ = try catalog.provider(named: "tensorrt")
            Issue.record("an unknown backend resolved")
        } catch {
            #expect(error.description.contains("tensorrt") && error.description.contains("native, onnxruntime, torchscript"))
        }
        let int8 = BackendRequest(directory: Fixtures.path("models/tiny-bert-cls"), options: .init(precision: .int8))
        #expect(throws: BackendCatalogError.self) { try catalog.load("onnxruntime", int8) }
        #expect(try catalog.load("native", int8).options.precision == .int8)
    }
}

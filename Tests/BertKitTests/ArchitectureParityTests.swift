import BertKit
import BertModelIO
import BertTokenizers
import Foundation
import TestSupport
import Testing

/// MPNet, ELECTRA and DeBERTa-v3/v2 classifiers, and SPLADE's masked-language-model heads (BERT, DistilBERT), against transformers 5
/// (Tests/Fixtures/models/tiny-{mpnet,electra,deberta-v3,deberta-v2}-cls and tiny-splade-{bert,distilbert}, made by
/// tools/make_arch_fixtures.py: weights at trained magnitudes, inputs up to 512 tokens so MPNet's relative distances
/// pass its 128-position buckets and DeBERTa's pass its exact buckets and its ±64 clamp): on every fp32
/// instruction-set path, packed and padded.
@Suite struct ArchitectureParityTests {
    /// Max absolute difference of logits and of mean-pooled hidden states.
    static let tolerance: Float = 1e-4
    static let classifiers = ["tiny-mpnet-cls", "tiny-electra-cls", "tiny-deberta-v3-cls", "tiny-deberta-v2-cls"]
    static let splade = ["tiny-splade-bert", "tiny-splade-distilbert"]

    struct Expected {
        let inputs: [TextInput]
        let ids: [[Int]]
        let json: [String: Any]

        init(_ name: String) throws {
            json = try Fixtures.json("models/\(name)/expected.json")
            inputs = (json["inputs"] as! [[String: Any]]).map { TextInput($0["text"] as! String, pair: $0["text_pair"] as? String) }
            ids = json["ids"] as! [[Int]]
        }

        func matrix(_ key: String) -> [[Float]] { (json[key] as! [[Double]]).map { $0.map(Float.init) } }
    }

    static let runs: [(mode: ExecutionMode, batchSize: Int, isa: KernelISA)] = KernelConformanceTests.fp32Paths.flatMap { isa in
        [(ExecutionMode.packed, 1), (.packed, 5), (.packed, 64), (.padded, 1), (.padded, 64)].map { ($0.0, $0.1, isa) }
    }

    static func worst(_ got: [[Float]], _ want: [[Float]]) -> Float {
        guard got.count == want.count else { return .infinity }
        return zip(got, want).map { g, w in g.count == w.count ? zip(g, w).map { abs($0 - $1) }.max() ?? 0 : .infinity }.max() ?? 0
    }

    static func batches<T>(_ encodings: [Encoding], _ size: Int, _ body: (TokenBatch) throws -> [T]) rethrows -> [T] {
        try stride(from: 0, to: encodings.count, by: size).flatMap {
            try body(TokenBatch(encodings[$0..<min($0 + size, encodings.count)]))
        }
    }

    @Test(arguments: classifiers + splade)
    func tokenizerMatchesReference(name: String) throws {
        let model = try BertModel(directory: Fixtures.path("models/\(name)"))
        let expected = try Expected(name)
        #expect(expected.ids.map(\.count).max() == 512, "the fixture reaches 512 tokens")
        for (input, ids) in zip(expected.inputs, expected.ids) {
            #expect(try model.tokenize(input).ids == ids, "\(input.text.prefix(40))")
        }
    }

    @Test(arguments: classifiers, runs)
    func logitsAndMeanMatchTransformers(name: String, run: (mode: ExecutionMode, batchSize: Int, isa: KernelISA)) throws {
        let model = try BertModel(directory: Fixtures.path("models/\(name)"), options: .init(mode: run.mode, isa: run.isa))
        let native = try #require(model.backend as? NativeBackend)
        let expected = try Expected(name)
        let encodings = try expected.inputs.map { try model.tokenize($0) }
        let logits = try Self.batches(encodings, run.batchSize) { try native.classify($0) }
        let mean = try Self.batches(encodings, run.batchSize) { try native.embed($0) }
        let want = expected.matrix("logits")
        let worstLogit = Self.worst(logits, want), worstMean = Self.worst(mean, expected.matrix("mean"))
        #expect(worstLogit <= Self.tolerance, "\(name) \(run): logits off by \(worstLogit)")
        #expect(worstMean <= Self.tolerance, "\(name) \(run): mean hidden state off by \(worstMean)")
        #expect(logits.map(VectorMath.argmax) == want.map(VectorMath.argmax))
    }

    /// The tolerance can fail: the other LayerNorm epsilon, `gelu_new`, for MPNet no relative-position bias (its
    /// table zeroed in a copy of the checkpoint), for DeBERTa c2p only, no relative attention, or (v2) the content
    /// projections shared with the positions: each misses transformers' logits by more than ten times it.
    @Test(arguments: [
        ("tiny-mpnet-cls", "layer_norm_eps"), ("tiny-mpnet-cls", "hidden_act"), ("tiny-mpnet-cls", "relative_attention_bias"),
        ("tiny-electra-cls", "layer_norm_eps"), ("tiny-electra-cls", "hidden_act"),
        ("tiny-deberta-v3-cls", "layer_norm_eps"), ("tiny-deberta-v3-cls", "hidden_act"), ("tiny-deberta-v3-cls", "pos_att_type"),
        ("tiny-deberta-v3-cls", "relative_attention"), ("tiny-deberta-v2-cls", "pos_att_type"), ("tiny-deberta-v2-cls", "share_att_key"),
    ])
    func wrongVariantFailsTheFixture(name: String, change: String) throws {
        let folder = try Fixtures.copyOfModel(name)
        switch change {
        case "relative_attention_bias":
            try Fixtures.zeroTensor("mpnet.encoder.relative_attention_bias.weight", in: folder.appendingPathComponent("model.safetensors").path)
        case "hidden_act":
            try Fixtures.editConfig(folder) { $0["hidden_act"] = "gelu_new" }
        case "pos_att_type":
            try Fixtures.editConfig(folder) { $0["pos_att_type"] = ["c2p"] }
        case "relative_attention":
            try Fixtures.editConfig(folder) { $0["relative_attention"] = false }
        case "share_att_key":
            try Fixtures.editConfig(folder) { $0["share_att_key"] = true }
        default:
            try Fixtures.editConfig(folder) { $0[change] = ($0[change] as! Double) < 1e-6 ? 1e-5 : 1e-12 }
        }
        let expected = try Expected(name)
        let model = try BertModel(directory: folder.path)
        let native = try #require(model.backend as? NativeBackend)
        let logits = try native.classify(TokenBatch(try expected.inputs.map { try model.tokenize($0) }))
        let worst = Self.worst(logits, expected.matrix("logits"))
        #expect(worst > 10 * Self.tolerance, "\(name) with \(change) changed: max abs difference only \(worst)")
    }

    @Test(arguments: splade, runs)
    func spladeMatchesTransformers(name: String, run: (mode: ExecutionMode, batchSize: Int, isa: KernelISA)) throws {
        var options = BertModel.Options(mode: run.mode, isa: run.isa)
        options.sparse = true
        let model = try BertModel(directory: Fixtures.path("models/\(name)"), options: options)
        let expected = try Expected(name)
        let encodings = try expected.inputs.map { try model.tokenize($0) }
        let vectors = try model.sparseEmbed(encodings: encodings, batching: .fixed(size: run.batchSize))
        let want = expected.json["sparse"] as! [[String: Any]]
        #expect(vectors.count == want.count)
        for (index, (got, reference)) in zip(vectors, want).enumerated() {
            let values = (reference["values"] as! [Double]).map(Float.init)
            // Entries within the tolerance of zero may fall either side of it.
            let wanted = Dictionary(uniqueKeysWithValues: zip(reference["indices"] as! [Int], values))
            let found = Dictionary(uniqueKeysWithValues: zip(got.indices, got.values))
            var worst: Float = 0
            for key in Set(wanted.keys).union(found.keys) { worst = max(worst, abs((wanted[key] ?? 0) - (found[key] ?? 0))) }
            #expect(worst <= Self.tolerance, "\(name) \(run) input \(index): max abs difference \(worst)")
            #expect(got.indices == got.indices.sorted() && got.values.allSatisfy { $0 > 0 })
        }
    }

    /// SPLADE without the head: loading names the tensor missing; a model loaded without `sparse` says so.
    @Test func spladeNeedsTheMaskedLMHead() throws {
        var options = BertModel.Options()
        options.sparse = true
        #expect {
            try BertModel(directory: Fixtures.path("models/tiny-bert-cls"), options: options)
        } throws: { "\($0)".contains("cls.predictions.transform.dense.weight") && "\($0)".contains("BertForMaskedLM") }
        let dense = try BertModel(directory: Fixtures.path("models/tiny-splade-bert"))
        #expect(throws: BertKitError.self) { try dense.sparseEmbed([TextInput("the cat")]) }
    }

    /// Configurations BertKit cannot run are refused naming the field.
    @Test func unsupportedConfigurationsNameTheField() throws {
        for (name, field, value) in [
            ("tiny-mpnet-cls", "relative_attention_num_buckets", 16 as Any), ("tiny-electra-cls", "embedding_size", 0),
            ("tiny-mpnet-cls", "position_embedding_type", "relative_key"), ("tiny-deberta-v3-cls", "conv_kernel_size", 3),
            ("tiny-deberta-v3-cls", "pos_att_type", ["c2p", "p2p"]), ("tiny-deberta-v3-cls", "norm_rel_ebd", "batch_norm"),
            ("tiny-deberta-v3-cls", "pooler_hidden_act", "tanh"), ("tiny-deberta-v3-cls", "embedding_size", 32),
        ] {
            let folder = try Fixtures.copyOfModel(name)
            try Fixtures.editConfig(folder) { $0[field] = value }
            #expect {
                try BertModel(directory: folder.path)
            } throws: { "\($0)".contains(field) }
        }
    }

    /// DeBERTa-v3's log buckets as transformers' `make_log_bucket_position(d, 256, 512)` gives them.
    @Test func debertaBucketsMatchTransformers() throws {
        let folder = Fixtures.path("models/tiny-deberta-v3-cls")
        let attention = try #require(try BertConfig(contentsOf: folder + "/config.json").disentangled)
        #expect(attention.span == 256 && attention.maxRelativePositions == 512 && attention.shareKey)
        let json = try Fixtures.json("models/tiny-deberta-v3-cls/expected.json")
        let distances = json["bucket_distances"] as! [Int], want = json["buckets"] as! [Int]
        #expect(distances.map(attention.bucket) == want)
    }

    /// A DeBERTa-v3 folder with only `spm.model` (no tokenizer.json, no tokenizer_config.json): the model folder's
    /// loading path (ModelDirectory, InputEncoder) converts it as transformers' AutoTokenizer does for `model_type`
    /// deberta-v2 (tools/make_slow_tokenizer_fixtures.py's `v3` ids and type ids; the weights are not read).
    @Test func debertaFolderWithOnlySpmModelTokenizesAsTransformers() throws {
        let folder = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(
            atPath: Fixtures.path("models/tiny-deberta-v3-cls/config.json"), toPath: folder.appendingPathComponent("config.json").path)
        try FileManager.default.copyItem(
            atPath: Fixtures.path("tokenizer/slow/deberta/spm.model"), toPath: folder.appendingPathComponent("spm.model").path)
        let encoder = try InputEncoder(directory: ModelDirectory(path: folder.path), options: .init())
        var checked = 0
        for line in try Fixtures.gzipLines("tokenizer/slow/deberta-expected.jsonl.gz") {
            // Foundation's JSON parser drops a U+FEFF that starts a string: those rows are left to BertTokenizersTests.
            if line.firstRange(of: Data([0xEF, 0xBB, 0xBF])) != nil { continue }
            let row = try JSONSerialization.jsonObject(with: line) as! [String: Any]
            let want = row["v3"] as! [String: Any]
            let ids = want["ids"] as! [Int]
            guard ids.count <= encoder.maxLength else { continue }
            let encoding = try encoder.encode(TextInput(row["text"] as! String, pair: row["pair"] as? String))
            #expect(encoding.ids == ids && encoding.typeIds == want["type_ids"] as! [Int], "\((row["text"] as! String).prefix(60))")
            checked += 1
        }
        #expect(checked >= 5000)
    }

    /// MPNet's buckets as transformers' `relative_position_bucket` gives them (printed by torch for these distances).
    @Test func mpnetBucketsMatchTransformers() throws {
        let bias = try #require(Architecture.mpnet.spec.relativeBias)
        let json = try Fixtures.json("models/tiny-mpnet-cls/expected.json")
        let distances = json["bucket_distances"] as! [Int], want = json["buckets"] as! [Int]
        #expect(distances.map(bias.bucket) == want)
    }
}

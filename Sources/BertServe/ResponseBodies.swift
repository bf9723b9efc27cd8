import BertKit
import Foundation

/// TEI's response JSON for each answer, written with `JSONWriter`.
enum ResponseBodies {
    static func vectors(_ vectors: [[Float]]) -> [UInt8] {
        var w = JSONWriter(capacity: vectors.reduce(2) { $0 + $1.count * 12 })
        w.list(vectors) { $0.floats($1) }
        return w.bytes
    }

    /// TEI's `EmbedSparseResponse`: per input, `[{"index": i, "value": v}, ...]`.
    static func sparse(_ vectors: [[(index: Int, value: Float)]]) -> [UInt8] {
        var w = JSONWriter(capacity: vectors.reduce(2) { $0 + $1.count * 32 })
        w.list(vectors) { w, pairs in
            w.list(pairs) { w, pair in
                w.raw("{\"index\":\(pair.index),\"value\":"); w.float(pair.value); w.raw("}")
            }
        }
        return w.bytes
    }

    static func tokenStates(_ states: [[[Float]]]) -> [UInt8] {
        var w = JSONWriter()
        w.list(states) { w, rows in w.list(rows) { $0.floats($1) } }
        return w.bytes
    }

    static func scores(_ answers: [[InferenceService.LabelScore]], nested: Bool) -> [UInt8] {
        var w = JSONWriter()
        func one(_ w: inout JSONWriter, _ scores: [InferenceService.LabelScore]) {
            w.list(scores) { w, s in
                w.raw("{\"score\":"); w.float(s.score); w.raw(",\"label\":"); w.string(s.label); w.raw("}")
            }
        }
        if nested { w.list(answers, one) } else { one(&w, answers.first ?? []) }
        return w.bytes
    }

    static func ranked(_ ranked: [InferenceService.RankedText]) -> [UInt8] {
        var w = JSONWriter()
        w.list(ranked) { w, r in
            w.raw("{\"index\":\(r.index),")
            if let text = r.text { w.raw("\"text\":"); w.string(text); w.raw(",") }
            w.raw("\"score\":"); w.float(r.score); w.raw("}")
        }
        return w.bytes
    }

    static func floats(_ values: [Float]) -> [UInt8] {
        var w = JSONWriter()
        w.floats(values)
        return w.bytes
    }

    static func tokens(_ lists: [[InferenceService.SimpleToken]]) -> [UInt8] {
        var w = JSONWriter()
        w.list(lists) { w, tokens in
            w.list(tokens) { w, t in
                w.raw("{\"id\":\(t.id),\"text\":"); w.string(t.text)
                w.raw(",\"special\":\(t.special),\"start\":"); w.optional(t.start)
                w.raw(",\"stop\":"); w.optional(t.stop); w.raw("}")
            }
        }
        return w.bytes
    }

    static func strings(_ values: [String]) -> [UInt8] {
        var w = JSONWriter()
        w.list(values) { $0.string($1) }
        return w.bytes
    }

    /// OpenAI's embeddings list; base64 is the little-endian float32 bytes of each vector.
    static func openAI(_ vectors: [[Float]], base64: Bool, model: String, tokens: Int) -> [UInt8] {
        var w = JSONWriter(capacity: vectors.reduce(128) { $0 + $1.count * 12 })
        w.raw("{\"object\":\"list\",\"data\":")
        w.list(Array(vectors.enumerated())) { w, item in
            w.raw("{\"object\":\"embedding\",\"embedding\":")
            if base64 {
                let data = item.element.map(\.bitPattern.littleEndian).withUnsafeBytes { Data($0) }
                w.string(data.base64EncodedString())
            } else {
                w.floats(item.element)
            }
            w.raw(",\"index\":\(item.offset)}")
        }
        w.raw(",\"model\":"); w.string(model)
        w.raw(",\"usage\":{\"prompt_tokens\":\(tokens),\"total_tokens\":\(tokens)}}")
        return w.bytes
    }

    /// TEI's error body.
    static func error(_ error: ServeError) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"error\":"); w.string(error.message); w.raw(",\"error_type\":"); w.string(error.type); w.raw("}")
        return w.bytes
    }

    /// The OpenAI routes' error body: `{"message", "code", "type"}`.
    static func openAIError(_ error: ServeError) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"message\":"); w.string(error.message); w.raw(",\"code\":\(error.status.code),\"type\":"); w.string(error.type); w.raw("}")
        return w.bytes
    }

    /// `/info`: TEI's `Info`, every field from what the server really has. TEI's optional fields that BertKit has no
    /// value for are null (`model_sha`: a local folder has no hub revision; `sha` and `docker_label`: no build
    /// stamp). Two fields of BertKit's own follow: `backend`, and `embedding_dimension` for an embedding model only.
    static func info(_ service: InferenceService, modelID: String, version: String) -> [UInt8] {
        var w = JSONWriter()
        let o = service.options
        w.raw("{\"model_id\":"); w.string(modelID)
        w.raw(",\"model_sha\":null,\"model_dtype\":"); w.string(service.model.weightPrecision.teiDType)
        w.raw(",\"served_model_name\":"); w.string(modelID)
        w.raw(",\"model_type\":")
        switch service.kind {
        case .embedding(let pooling):
            w.raw("{\"embedding\":{\"pooling\":"); w.string(pooling); w.raw("}}")
        case .classifier(let labels), .reranker(let labels):
            w.raw(labels.count == 1 ? "{\"reranker\":{\"id2label\":{" : "{\"classifier\":{\"id2label\":{")
            for (i, label) in labels.enumerated() {
                if i > 0 { w.raw(",") }
                w.string(String(i)); w.raw(":"); w.string(label)
            }
            w.raw("},\"label2id\":{")
            for (i, label) in labels.enumerated() {
                if i > 0 { w.raw(",") }
                w.string(label); w.raw(":\(i)")
            }
            w.raw("}}}")
        }
        w.raw(",\"max_concurrent_requests\":\(o.maxConcurrentRequests),\"max_input_length\":\(service.model.maxLength)")
        w.raw(",\"max_batch_tokens\":\(o.maxBatchTokens),\"max_batch_requests\":"); w.optional(o.maxBatchRequests)
        w.raw(",\"max_client_batch_size\":\(o.maxClientBatchSize),\"auto_truncate\":\(o.autoTruncate)")
        w.raw(",\"tokenization_workers\":\(service.tokenizers.workers)")
        w.raw(",\"version\":"); w.string(version)
        w.raw(",\"sha\":null,\"docker_label\":null,\"backend\":"); w.string(service.model.backend.name)
        if service.kind.isEmbedding { w.raw(",\"embedding_dimension\":\(service.model.embeddingDimension)") }
        w.raw("}")
        return w.bytes
    }
}

extension Precision {
    /// TEI's `model_dtype` name.
    var teiDType: String {
        switch self {
        case .fp32: "float32"
        case .fp16: "float16"
        case .bf16: "bfloat16"
        case .int8: "int8"
        }
    }
}

import BertKit
import BertTokenizers
import Foundation

/// TEI's operations on a loaded model, each returning its answer (as Swift values) and the request's timing.
extension InferenceService {
    /// One label's score.
    public struct LabelScore: Sendable, Equatable {
        /// The label's name (`id2label`).
        public var label: String
        /// Its probability, or its logit with `raw_scores`.
        public var score: Float
    }

    /// One text's rerank score.
    public struct RankedText: Sendable, Equatable {
        /// The text's position in the request.
        public var index: Int
        /// The text, when asked for.
        public var text: String?
        /// Its sigmoid score, or its logit with `raw_scores`.
        public var score: Float
    }

    /// One token of `/tokenize`: offsets are UTF-8 byte offsets into the text as tokenized (prompt included), nil for
    /// special tokens the post-processor added.
    public struct SimpleToken: Sendable, Equatable {
        /// Vocabulary id.
        public var id: Int
        /// The text it covers (the token itself for added special tokens).
        public var text: String
        /// Whether it is a special token.
        public var special: Bool
        /// First byte.
        public var start: Int?
        /// Byte after the last.
        public var stop: Int?
    }

    private func requireEmbedding() throws(ServeError) {
        guard kind.isEmbedding else { throw .backend("Backend error: Model is not an embedding model") }
    }

    /// `/embed`: pooled embeddings, cut to `dimensions` and L2-normalized if asked.
    public func embed(_ request: EmbedRequest, connection: ClientConnection? = nil) async throws(ServeError) -> ([[Float]], Timing) {
        try checkBatch(request.inputs.items.count)
        try requireEmbedding()
        let dimension = model.embeddingDimension
        if let dimensions = request.dimensions {
            guard dimensions > 0 else { throw .validation("`dimensions` should be positive") }
            guard dimensions <= dimension else { throw .validation("`dimensions` should be smaller than the maximum embedding dimension.") }
        }
        let prompt = try prompt(named: request.promptName)
        let (outputs, timing) = try await run(
            .pooled, request.inputs.items.map { ($0, nil) }, truncate: request.truncate,
            side: request.truncationDirection, prompt: prompt, connection: connection)
        let vectors = outputs.map { vector in
            let cut = request.dimensions.map { Array(vector.prefix(Int($0))) } ?? vector
            return request.normalize ? VectorMath.l2Normalized(cut) : cut
        }
        return (vectors, timing)
    }

    /// `/embed_all`: every token's last hidden state, special tokens included. A backend that gives pooled outputs
    /// only is refused as TEI refuses `embed_all` on a model that cannot give it (424, `Backend`).
    public func embedAll(_ request: EmbedRequest, connection: ClientConnection? = nil) async throws(ServeError) -> ([[[Float]]], Timing) {
        try checkBatch(request.inputs.items.count)
        try requireEmbedding()
        guard model.backend.hasTokenEmbeddings else {
            throw .backend(
                "Backend error: `embed_all` is not available on the \(model.backend.name) backend: it gives pooled embeddings only, not every token's hidden state"
            )
        }
        let prompt = try prompt(named: request.promptName)
        let (outputs, timing) = try await run(
            .tokens, request.inputs.items.map { ($0, nil) }, truncate: request.truncate,
            side: request.truncationDirection, prompt: prompt, connection: connection)
        let hidden = model.config.hiddenSize
        return (outputs.map { states in stride(from: 0, to: states.count, by: hidden).map { Array(states[$0..<$0 + hidden]) } }, timing)
    }

    /// `/embed_sparse`: the sparse (SPLADE) embedding of each input, as (vocabulary id, weight) pairs, ids ascending.
    /// A model served without `--pooling splade` is refused as TEI refuses it (424, `Backend`).
    public func embedSparse(_ request: EmbedRequest, connection: ClientConnection? = nil) async throws(ServeError) -> (
        [[(index: Int, value: Float)]], Timing
    ) {
        try checkBatch(request.inputs.items.count)
        guard model.backend.hasSparseHead else {
            throw .backend("Backend error: `embed_sparse` is only available for models served with `--pooling splade`")
        }
        let prompt = try prompt(named: request.promptName)
        let (outputs, timing) = try await run(
            .sparse, request.inputs.items.map { ($0, nil) }, truncate: request.truncate,
            side: request.truncationDirection, prompt: prompt, connection: connection)
        let pairs = outputs.map { flat in stride(from: 0, to: flat.count - 1, by: 2).map { (index: Int(flat[$0]), value: flat[$0 + 1]) } }
        return (pairs, timing)
    }

    /// `/predict`: every label's score (softmax, or sigmoid for one label, or the raw logits), best first.
    public func predict(_ request: PredictRequest, connection: ClientConnection? = nil) async throws(ServeError) -> ([[LabelScore]], Timing)
    {
        let items = request.inputs.items
        try checkBatch(items.count)
        guard !kind.isEmbedding else { throw .backend("Backend error: Model is not a classifier model") }
        let (outputs, timing) = try await run(
            .logits, items.map { (InputItem.text($0.text), $0.pair) }, truncate: request.truncate,
            side: request.truncationDirection, prompt: try prompt(named: nil), connection: connection)
        var answers: [[LabelScore]] = []
        for logits in outputs {
            let scores = request.rawScores ? logits : Self.probabilities(logits)
            guard !scores.contains(where: \.isNaN) else { throw .backend("score is NaN") }
            answers.append(
                scores.enumerated().map { i, score in
                    LabelScore(label: model.config.id2label[i] ?? "LABEL_\(i)", score: score)
                }.sorted { $0.score > $1.score })
        }
        return (answers, timing)
    }

    /// `/rerank`: each text's score against the query, best first.
    public func rerank(_ request: RerankRequest, connection: ClientConnection? = nil) async throws(ServeError) -> ([RankedText], Timing) {
        guard !request.texts.isEmpty else { throw .empty("`texts` cannot be empty") }
        guard case .reranker = kind else { throw .backend("Backend error: model is not a re-ranker model") }
        try checkBatch(request.texts.count)
        var (outputs, timing) = try await run(
            .logits, request.texts.map { (InputItem.text(request.query), $0) }, truncate: request.truncate,
            side: request.truncationDirection, prompt: try prompt(named: nil), connection: connection)
        timing.characters =
            request.query.unicodeScalars.count * request.texts.count + request.texts.reduce(0) { $0 + $1.unicodeScalars.count }
        let ranked = outputs.enumerated().map { i, logits in
            let logit = logits.first ?? .nan
            return RankedText(
                index: i, text: request.returnText ? request.texts[i] : nil,
                score: request.rawScores ? logit : 1 / (1 + exp(-logit)))
        }
        guard !ranked.contains(where: { $0.score.isNaN }) else { throw .backend("score is NaN") }
        return (ranked.sorted { $0.score > $1.score }, timing)
    }

    /// `/similarity`: the cosine similarity of the source sentence's embedding with each sentence's.
    public func similarity(_ request: SimilarityRequest, connection: ClientConnection? = nil) async throws(ServeError) -> ([Float], Timing)
    {
        guard !request.inputs.sentences.isEmpty else { throw .empty("`inputs.sentences` cannot be empty") }
        try checkBatch(request.inputs.sentences.count + 1)
        let parameters = request.parameters
        let embed = EmbedRequest(
            inputs: Inputs(([request.inputs.sourceSentence] + request.inputs.sentences).map(InputItem.text)),
            truncate: parameters?.truncate, truncationDirection: parameters?.truncationDirection ?? .right,
            promptName: parameters?.promptName, normalize: false)
        let (vectors, timing) = try await self.embed(embed, connection: connection)
        let source = vectors[0]
        return (vectors.dropFirst().map { Float(VectorMath.cosine(source, $0)) }, timing)
    }

    /// `/tokenize`: the tokens of each text, tokenized on the tokenization workers.
    public func tokenize(_ request: TokenizeRequest) async throws(ServeError) -> [[SimpleToken]] {
        try checkBatch(request.inputs.count, empty: "`inputs` cannot be empty")
        let prompt = try prompt(named: request.promptName)
        return try await tokenizers.map(request.inputs.count) { [self] i throws(ServeError) in
            willTokenize?()
            return try tokens(of: request.inputs[i], prompt: prompt, addSpecialTokens: request.addSpecialTokens)
        }
    }

    /// The tokens of one text with byte offsets, as `/tokenize` gives them.
    private func tokens(of text: String, prompt: String, addSpecialTokens: Bool) throws(ServeError) -> [SimpleToken] {
        var tokenizer = model.tokenizer
        tokenizer.truncation = nil
        let prepared = model.prepared(TextInput(text), prompt: prompt).text
        let encoding: Encoding
        do {
            encoding = try tokenizer.encode(prepared, addSpecialTokens: addSpecialTokens)
        } catch {
            throw .tokenizer("tokenizer error \(error)")
        }
        // Scalar offsets to UTF-8 byte offsets.
        var byteOffset: [Int] = [0]
        for scalar in prepared.unicodeScalars { byteOffset.append(byteOffset[byteOffset.count - 1] + UTF8.width(scalar)) }
        let bytes = Array(prepared.utf8)
        return (0..<encoding.count).map { i in
            let added = encoding.sequenceIds[i] == nil
            let range = encoding.offsets[i]
            guard !added, range.upperBound < byteOffset.count else {
                return SimpleToken(
                    id: encoding.ids[i], text: encoding.tokens[i], special: encoding.specialTokensMask[i] == 1, start: nil, stop: nil)
            }
            let start = byteOffset[range.lowerBound], stop = byteOffset[range.upperBound]
            return SimpleToken(
                id: encoding.ids[i], text: String(decoding: bytes[start..<stop], as: UTF8.self),
                special: encoding.specialTokensMask[i] == 1, start: start, stop: stop)
        }
    }

    /// `/decode`: the text of each list of ids, decoded on the tokenization workers.
    public func decode(_ request: DecodeRequest) async throws(ServeError) -> [String] {
        try checkBatch(request.ids.count)
        if request.ids.contains(where: \.isEmpty) { throw .empty("Input validation error: `input_ids` cannot be empty") }
        return try await tokenizers.map(request.ids.count) { [model] i in
            model.tokenizer.decode(request.ids[i].map(Int.init), skipSpecialTokens: request.skipSpecialTokens)
        }
    }

    // MARK: - Arithmetic

    /// Softmax, or the sigmoid for a single logit.
    static func probabilities(_ logits: [Float]) -> [Float] {
        guard logits.count > 1 else { return logits.map { 1 / (1 + exp(-$0)) } }
        return VectorMath.softmax(logits)
    }
}

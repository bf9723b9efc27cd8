import BertKit
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Text Embeddings Inference's routes over a `ServerState`.
public struct Routes: Sendable {
    let state: ServerState
    let options: ServeOptions
    let modelID: String

    /// Routes answering for the model `modelID` (its name in `/info` and OpenAI responses).
    public init(state: ServerState, options: ServeOptions, modelID: String) {
        self.state = state
        self.options = options
        self.modelID = modelID
    }

    /// The router with every route.
    public func router() -> Router<ServeContext> {
        let router = Router(context: ServeContext.self)
        router.get("/health") { _, _ in try health() }
        router.get("/ping") { _, _ in try health() }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: state.metrics.exposition())))
        }
        router.get("/info") { request, _ in
            try guarded(request) { service in .json(ResponseBodies.info(service, modelID: modelID, version: BertKitInfo.version)) }
        }
        router.post("/embed") { request, context in try await post(request, context) { try await embed($0, $1, $2) } }
        router.post("/embed_all") { request, context in
            try await post(request, context) { (body: EmbedRequest, service, connection) in
                let (states, timing) = try await service.embedAll(body, connection: connection)
                return .json(ResponseBodies.tokenStates(states), timing: timing)
            }
        }
        router.post("/predict") { request, context in try await post(request, context) { try await predict($0, $1, $2) } }
        router.post("/v1/classify") { request, context in try await post(request, context) { try await predict($0, $1, $2) } }
        router.post("/rerank") { request, context in try await post(request, context) { try await rerank($0, $1, $2) } }
        router.post("/similarity") { request, context in try await post(request, context) { try await similarity($0, $1, $2) } }
        router.post("/tokenize") { request, context in
            try await post(request, context) { (body: TokenizeRequest, service, _) in .json(ResponseBodies.tokens(try service.tokenize(body))) }
        }
        router.post("/decode") { request, context in
            try await post(request, context) { (body: DecodeRequest, service, _) in .json(ResponseBodies.strings(try service.decode(body))) }
        }
        for path in ["/v1/embeddings", "/embeddings"] {
            router.post(RouterPath(path)) { request, context in
                try await post(request, context, openAI: true) { (body: OpenAIEmbeddingsRequest, service, connection) in
                    let embed = EmbedRequest(inputs: body.input, normalize: true, dimensions: body.dimensions)
                    let (vectors, timing) = try await service.embed(embed, connection: connection)
                    return .json(ResponseBodies.openAI(vectors, base64: body.encodingFormat == .base64, model: modelID, tokens: timing.tokens),
                                 timing: timing)
                }
            }
        }
        // TEI's default route: by model type. An embedding model also takes a similarity body here (an object
        // `inputs` with `source_sentence`), which is what huggingface_hub's `sentence_similarity` posts.
        for path in ["/", "/invocations"] {
            router.post(RouterPath(path)) { request, context in
                let kind = try? state.service().kind
                switch kind {
                case .classifier?: return try await post(request, context) { try await predict($0, $1, $2) }
                case .reranker?: return try await post(request, context) { try await rerank($0, $1, $2) }
                default:
                    return try await post(request, context) { (body: DefaultEmbeddingRequest, service, connection) in
                        switch body {
                        case .similarity(let similarityRequest): try await similarity(similarityRequest, service, connection)
                        case .embed(let embedRequest): try await embed(embedRequest, service, connection)
                        }
                    }
                }
            }
        }
        return router
    }

    // MARK: - Operations as responses

    private func embed(_ body: EmbedRequest, _ service: InferenceService, _ connection: ClientConnection?) async throws(ServeError) -> Answer {
        let (vectors, timing) = try await service.embed(body, connection: connection)
        return .json(ResponseBodies.vectors(vectors), timing: timing)
    }

    private func predict(_ body: PredictRequest, _ service: InferenceService, _ connection: ClientConnection?) async throws(ServeError) -> Answer {
        let (scores, timing) = try await service.predict(body, connection: connection)
        return .json(ResponseBodies.scores(scores, nested: body.inputs.isBatch), timing: timing)
    }

    private func rerank(_ body: RerankRequest, _ service: InferenceService, _ connection: ClientConnection?) async throws(ServeError) -> Answer {
        let (ranked, timing) = try await service.rerank(body, connection: connection)
        return .json(ResponseBodies.ranked(ranked), timing: timing)
    }

    private func similarity(_ body: SimilarityRequest, _ service: InferenceService, _ connection: ClientConnection?) async throws(ServeError) -> Answer {
        let (scores, timing) = try await service.similarity(body, connection: connection)
        return .json(ResponseBodies.floats(scores), timing: timing)
    }

    // MARK: - Plumbing

    /// A successful answer: a JSON body and, for model routes, the request's timing.
    struct Answer {
        var body: [UInt8]
        var timing: InferenceService.Timing?
        static func json(_ body: [UInt8], timing: InferenceService.Timing? = nil) -> Answer { Answer(body: body, timing: timing) }
    }

    private func health() throws -> Response {
        do {
            _ = try state.service()
            return Response(status: .ok)
        } catch {
            return Self.failure(error, openAI: false)
        }
    }

    /// Checks the API key and that the model is ready, then answers with `body`.
    private func guarded(_ request: Request, _ body: (InferenceService) throws -> Answer) throws -> Response {
        if let refused = authorize(request) { return refused }
        do {
            return Self.response(try body(try state.service()), started: .now)
        } catch let error as ServeError {
            return Self.failure(error, openAI: false)
        } catch {
            return Self.failure(.backend("Backend error: \(error)"), openAI: false)
        }
    }

    /// A model route: the API key, the content type, the body within the payload limit, its JSON, then `handler`;
    /// every failure as TEI answers it.
    private func post<Body: Decodable>(_ request: Request, _ context: ServeContext, openAI: Bool = false,
                                       _ handler: (Body, InferenceService, ClientConnection?) async throws -> Answer) async throws -> Response {
        let started = ContinuousClock.now
        state.metrics.accept()
        defer { state.metrics.answer() }
        if let refused = authorize(request) { return refused }
        let service: InferenceService
        do { service = try state.service() } catch { return Self.failure(error, openAI: openAI) }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            return Self.plain(.unsupportedMediaType, "Expected request with `Content-Type: application/json`")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: options.payloadLimit)
        } catch {
            return Self.plain(.contentTooLarge, "Failed to buffer the request body: length limit exceeded")
        }
        let decoded: Body
        let data = Data(buffer: buffer)
        do {
            decoded = try JSONDecoder().decode(Body.self, from: data)
        } catch {
            // Not JSON at all is 400; JSON of the wrong shape is 422 (as axum's extractor answers).
            if (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) == nil {
                return Self.plain(.badRequest, "Failed to parse the request body as JSON: \(Self.describe(error))")
            }
            return Self.plain(.unprocessableContent, "Failed to deserialize the JSON body into the target type: \(Self.describe(error))")
        }
        let connection = await context.connection()
        defer { connection?.reset() }
        do {
            return Self.response(try await handler(decoded, service, connection), started: started)
        } catch let error as ServeError {
            state.metrics.failure(error)
            return Self.failure(error, openAI: openAI)
        } catch {
            return Self.failure(.backend("Backend error: \(error)"), openAI: openAI)
        }
    }

    /// 401 with an empty body when an API key is set and the request does not carry it.
    private func authorize(_ request: Request) -> Response? {
        guard let key = options.apiKey, request.headers[.authorization] != "Bearer \(key)" else { return nil }
        return Response(status: .unauthorized)
    }

    static func response(_ answer: Answer, started: ContinuousClock.Instant) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let timing = answer.timing {
            let elapsed = String((ContinuousClock.now - started).milliseconds)
            let count = max(timing.inputs, 1)
            headers[HTTPField.Name("x-compute-type")!] = "cpu"
            headers[HTTPField.Name("x-compute-time")!] = elapsed
            headers[HTTPField.Name("x-total-time")!] = elapsed
            headers[HTTPField.Name("x-compute-characters")!] = String(timing.characters)
            headers[HTTPField.Name("x-compute-tokens")!] = String(timing.tokens)
            headers[HTTPField.Name("x-tokenization-time")!] = String((timing.tokenization / count).milliseconds)
            headers[HTTPField.Name("x-queue-time")!] = String(timing.queue.milliseconds)
            headers[HTTPField.Name("x-inference-time")!] = String(timing.inference.milliseconds)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    static func failure(_ error: ServeError, openAI: Bool) -> Response {
        Response(status: error.status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: openAI ? ResponseBodies.openAIError(error) : ResponseBodies.error(error))))
    }

    static func plain(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: message)))
    }

    /// A decoding error as serde words it: the field path, then what was wrong.
    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return (context.codingPath.isEmpty ? "" : path(context.codingPath) + ": ") + "missing field `\(key.stringValue)`"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .dataCorrupted(let context)?:
            return path(context.codingPath) + ": " + context.debugDescription
        default:
            return String(describing: error)
        }
    }
}

/// The default route's body on an embedding model: a similarity request (object `inputs`), else an embed request.
enum DefaultEmbeddingRequest: Decodable {
    case similarity(SimilarityRequest)
    case embed(EmbedRequest)

    init(from decoder: any Swift.Decoder) throws {
        if let similarity = try? SimilarityRequest(from: decoder) {
            self = .similarity(similarity)
        } else {
            self = .embed(try EmbedRequest(from: decoder))
        }
    }
}

extension Duration {
    /// Whole milliseconds (truncated), as TEI's headers give them.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

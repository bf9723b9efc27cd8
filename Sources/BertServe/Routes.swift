import BertKit
import Hummingbird
import NIOCore

/// Text Embeddings Inference's routes over a `ServerState`, in the groups TEI has: the public routes (`/health`,
/// `/ping`, `/metrics`), and behind the API key (`APIKeyMiddleware`) the model's routes, TEI's and the
/// OpenAI-compatible ones, each group with its error style (`ErrorMiddleware`), the model ready
/// (`ReadinessMiddleware`) and its requests counted (`RequestMetricsMiddleware`).
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
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: state.metrics.exposition())))
        }
        let authorized = router.group().add(middleware: APIKeyMiddleware(key: options.apiKey))
        addTEIRoutes(to: modelRoutes(in: authorized, style: .tei))
        addOpenAIRoutes(to: modelRoutes(in: authorized, style: .openAI))
        return router
    }

    /// A group of the model's routes: errors in `style`, the model ready, the requests counted.
    private func modelRoutes(in parent: RouterGroup<ServeContext>, style: ErrorStyle) -> RouterGroup<ServeContext> {
        parent.group()
            .add(middleware: ErrorMiddleware(style: style))
            .add(middleware: ReadinessMiddleware(state: state))
            .add(middleware: RequestMetricsMiddleware(metrics: state.metrics))
    }

    private func addTEIRoutes(to group: RouterGroup<ServeContext>) {
        group.get("/info") { [modelID] _, context in
            Answer.json(ResponseBodies.info(try context.readyService(), modelID: modelID, version: BertKitInfo.version)).response(
                started: .now)
        }
        let predict = handler(Self.predict), rerank = handler(Self.rerank)
        group.post("/embed", use: handler(Self.embed))
        group.post(
            "/embed_all",
            use: handler { (body: EmbedRequest, service, connection) in
                let (states, timing) = try await service.embedAll(body, connection: connection)
                return .json(ResponseBodies.tokenStates(states), timing: timing)
            })
        group.post(
            "/embed_sparse",
            use: handler { (body: EmbedRequest, service, connection) in
                let (vectors, timing) = try await service.embedSparse(body, connection: connection)
                return .json(ResponseBodies.sparse(vectors), timing: timing)
            })
        group.post("/predict", use: predict)
        group.post("/v1/classify", use: predict)
        group.post("/rerank", use: rerank)
        group.post("/similarity", use: handler(Self.similarity))
        group.post(
            "/tokenize",
            use: handler { (body: TokenizeRequest, service, _) in
                .json(ResponseBodies.tokens(try await service.tokenize(body)))
            })
        group.post(
            "/decode",
            use: handler { (body: DecodeRequest, service, _) in
                .json(ResponseBodies.strings(try await service.decode(body)))
            })
        // TEI's default route: by model type. An embedding model also takes a similarity body here (an object
        // `inputs` with `source_sentence`), which is what huggingface_hub's `sentence_similarity` posts.
        let embedOrSimilarity = handler { (body: DefaultEmbeddingRequest, service, connection) in
            switch body {
            case .similarity(let similarityRequest): try await Self.similarity(similarityRequest, service, connection)
            case .embed(let embedRequest): try await Self.embed(embedRequest, service, connection)
            }
        }
        for path in ["/", "/invocations"] {
            group.post(RouterPath(path)) { request, context in
                switch try context.readyService().kind {
                case .classifier: try await predict(request, context)
                case .reranker: try await rerank(request, context)
                case .embedding: try await embedOrSimilarity(request, context)
                }
            }
        }
    }

    private func addOpenAIRoutes(to group: RouterGroup<ServeContext>) {
        let embeddings = handler { [modelID] (body: OpenAIEmbeddingsRequest, service, connection) in
            let embed = EmbedRequest(inputs: body.input, normalize: true, dimensions: body.dimensions)
            let (vectors, timing) = try await service.embed(embed, connection: connection)
            return .json(
                ResponseBodies.openAI(vectors, base64: body.encodingFormat == .base64, model: modelID, tokens: timing.tokens),
                timing: timing)
        }
        group.post("/v1/embeddings", use: embeddings)
        group.post("/embeddings", use: embeddings)
    }

    // MARK: - Operations as answers

    private static func embed(
        _ body: EmbedRequest, _ service: InferenceService, _ connection: ClientConnection?
    ) async throws(ServeError) -> Answer {
        let (vectors, timing) = try await service.embed(body, connection: connection)
        return .json(ResponseBodies.vectors(vectors), timing: timing)
    }

    private static func predict(
        _ body: PredictRequest, _ service: InferenceService, _ connection: ClientConnection?
    ) async throws(ServeError) -> Answer {
        let (scores, timing) = try await service.predict(body, connection: connection)
        return .json(ResponseBodies.scores(scores, nested: body.inputs.isBatch), timing: timing)
    }

    private static func rerank(
        _ body: RerankRequest, _ service: InferenceService, _ connection: ClientConnection?
    ) async throws(ServeError) -> Answer {
        let (ranked, timing) = try await service.rerank(body, connection: connection)
        return .json(ResponseBodies.ranked(ranked), timing: timing)
    }

    private static func similarity(
        _ body: SimilarityRequest, _ service: InferenceService, _ connection: ClientConnection?
    ) async throws(ServeError) -> Answer {
        let (scores, timing) = try await service.similarity(body, connection: connection)
        return .json(ResponseBodies.floats(scores), timing: timing)
    }

    // MARK: - Plumbing

    /// A model route's handler: the JSON body as `Body` (`RequestBodyError` when it is not), `operation` on the ready
    /// service with the client's connection (whose hang-up takes the request's sequences out of the queue), and its
    /// answer with TEI's timing headers.
    private func handler<Body: Decodable & SendableMetatype>(
        _ operation: @escaping @Sendable (Body, InferenceService, ClientConnection?) async throws -> Answer
    )
        -> @Sendable (Request, ServeContext) async throws -> Response
    {
        let limit = options.payloadLimit
        return { request, context in
            let started = ContinuousClock.now
            let service = try context.readyService()
            let body = try await request.json(Body.self, limit: limit)
            let connection = await context.connection()
            defer { connection?.reset() }
            return try await operation(body, service, connection).response(started: started)
        }
    }

    /// 200 once the model is ready, else TEI's 503.
    private func health() throws(ServeError) -> Response {
        _ = try state.service()
        return Response(status: .ok)
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

import Hummingbird

/// Lets a request through to the model's routes once the model is ready, with its service in the context; while the
/// model loads or the server stops, TEI's 503 (`Unhealthy`).
struct ReadinessMiddleware: RouterMiddleware {
    let state: ServerState

    func handle(_ request: Request, context: ServeContext, next: (Request, ServeContext) async throws -> Response) async throws -> Response
    {
        var context = context
        context.service = try state.service()
        return try await next(request, context)
    }
}

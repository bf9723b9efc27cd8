import Hummingbird

/// Counts the requests a model route takes in and answers (`ServerMetrics.accepted`/`answered`), and each failure
/// by TEI's error type (`te_request_failure{err=...}`). Inside the group's `ErrorMiddleware`, so it sees the
/// `ServeError` itself; the request's own counts and latencies are recorded by `InferenceService`, which knows them.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        metrics.accept()
        defer { metrics.answer() }
        do {
            return try await next(request, context)
        } catch let error as ServeError {
            metrics.failure(error)
            throw error
        }
    }
}

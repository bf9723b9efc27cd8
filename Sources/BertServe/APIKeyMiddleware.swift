import Hummingbird

/// TEI's `--api-key`: a request without `Authorization: Bearer KEY` is refused with 401 and an empty body.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The header value every request must carry (nil: no key is set, every request passes).
    let expected: String?

    /// A check for `key`, if one is set.
    init(key: String?) { expected = key.map { "Bearer \($0)" } }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expected, request.headers[.authorization] != expected else { return try await next(request, context) }
        throw HTTPError(.unauthorized)
    }
}

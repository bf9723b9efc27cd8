import Hummingbird

/// How a group of routes words its errors.
enum ErrorStyle: Sendable {
    /// Text Embeddings Inference's `{"error", "error_type"}`.
    case tei
    /// OpenAI's `{"message", "code", "type"}` (`/v1/embeddings`).
    case openAI

    /// `error` as this style answers it.
    func wording(_ error: ServeError) -> any HTTPResponseError {
        switch self {
        case .tei: error
        case .openAI: OpenAIError(error: error)
        }
    }
}

/// Maps what a route throws to the answer its group gives: a `ServeError` in the group's style, another error that
/// knows its answer (`RequestBodyError`'s plain text, Hummingbird's own) as it is, and anything else as TEI's
/// `Backend` error (424).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let style: ErrorStyle

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServeError {
            throw style.wording(error)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            throw style.wording(.backend("Backend error: \(error)"))
        }
    }
}

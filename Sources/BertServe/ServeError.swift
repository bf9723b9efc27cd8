import HTTPTypes
import Hummingbird
import NIOCore

/// An error as Text Embeddings Inference reports it: a type that fixes the HTTP status, and a message. Thrown out of
/// a route, it answers with TEI's body (`{"error", "error_type"}`); the OpenAI routes' `ErrorMiddleware` words it as
/// OpenAI does instead.
public enum ServeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No inputs (400).
    case empty(String)
    /// A request the limits refuse: an input longer than the model takes, a client batch too large (413).
    case validation(String)
    /// The tokenizer failed on an input (422).
    case tokenizer(String)
    /// The engine failed, or the model cannot do what was asked (424).
    case backend(String)
    /// Too many requests in flight (429).
    case overloaded(String)
    /// The model is not loaded, or the server is stopping (503).
    case unhealthy(String)

    /// TEI's `error_type` (PascalCase, as TEI serializes it).
    public var type: String {
        switch self {
        case .empty: "Empty"
        case .validation: "Validation"
        case .tokenizer: "Tokenizer"
        case .backend: "Backend"
        case .overloaded: "Overloaded"
        case .unhealthy: "Unhealthy"
        }
    }

    /// The HTTP status TEI answers it with.
    public var status: HTTPResponse.Status {
        switch self {
        case .empty: .badRequest
        case .validation: .contentTooLarge
        case .tokenizer: .unprocessableContent
        case .backend: .init(code: 424, reasonPhrase: "Failed Dependency")
        case .overloaded: .tooManyRequests
        case .unhealthy: .serviceUnavailable
        }
    }

    /// The message.
    public var message: String {
        switch self {
        case let .empty(m), let .validation(m), let .tokenizer(m), let .backend(m), let .overloaded(m), let .unhealthy(m): m
        }
    }

    public var description: String { "\(type): \(message)" }
}

extension ServeError: HTTPResponseError {
    /// TEI's answer: the status, and `{"error", "error_type"}`.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: ResponseBodies.error(self))))
    }
}

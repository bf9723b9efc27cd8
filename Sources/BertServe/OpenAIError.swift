import HTTPTypes
import Hummingbird
import NIOCore

/// A `ServeError` as the OpenAI-compatible routes answer it: TEI's status, and OpenAI's body
/// `{"message", "code", "type"}`.
struct OpenAIError: HTTPResponseError {
    /// The error.
    let error: ServeError

    var status: HTTPResponse.Status { error.status }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: ResponseBodies.openAIError(error))))
    }
}

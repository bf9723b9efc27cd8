import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A request body the transport refuses, answered in plain text as axum's extractors answer TEI's clients: not JSON
/// (415), too large (413), not parseable (400), or JSON of the wrong shape (422).
struct RequestBodyError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: message)))
    }
}

extension Request {
    /// The body as `Body`: it must say `Content-Type: application/json`, fit in `limit` bytes, and decode.
    func json<Body: Decodable>(_ type: Body.Type, limit: Int) async throws(RequestBodyError) -> Body {
        guard headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw RequestBodyError(status: .unsupportedMediaType, message: "Expected request with `Content-Type: application/json`")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch {
            throw RequestBodyError(status: .contentTooLarge, message: "Failed to buffer the request body: length limit exceeded")
        }
        let data = Data(buffer: buffer)
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch {
            // Not JSON at all is 400; JSON of the wrong shape is 422 (as axum's extractor answers).
            if (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) == nil {
                throw RequestBodyError(status: .badRequest, message: "Failed to parse the request body as JSON: \(Self.describe(error))")
            }
            throw RequestBodyError(
                status: .unprocessableContent,
                message: "Failed to deserialize the JSON body into the target type: \(Self.describe(error))")
        }
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

import HTTPTypes
import Hummingbird
import NIOCore

/// A route's successful answer: a JSON body and, for model routes, the request's timing.
struct Answer: Sendable {
    var body: [UInt8]
    var timing: InferenceService.Timing?

    static func json(_ body: [UInt8], timing: InferenceService.Timing? = nil) -> Answer { Answer(body: body, timing: timing) }

    /// The response: 200 with the body and, when timed, TEI's `x-*` headers (`started` is when the route began).
    func response(started: ContinuousClock.Instant) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let timing {
            let elapsed = String((ContinuousClock.now - started).wholeMilliseconds)
            let count = max(timing.inputs, 1)
            headers[HTTPField.Name("x-compute-type")!] = "cpu"
            headers[HTTPField.Name("x-compute-time")!] = elapsed
            headers[HTTPField.Name("x-total-time")!] = elapsed
            headers[HTTPField.Name("x-compute-characters")!] = String(timing.characters)
            headers[HTTPField.Name("x-compute-tokens")!] = String(timing.tokens)
            headers[HTTPField.Name("x-tokenization-time")!] = String((timing.tokenization / count).wholeMilliseconds)
            headers[HTTPField.Name("x-queue-time")!] = String(timing.queue.wholeMilliseconds)
            headers[HTTPField.Name("x-inference-time")!] = String(timing.inference.wholeMilliseconds)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension Duration {
    /// Whole milliseconds (truncated), as TEI's headers give them.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

import BertKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import BertServe

/// The routes' groups and middleware: the API key guards the model's routes only, each group words its errors in
/// its style, and failures are counted by TEI's error type.
@Suite struct RouteGroupTests {
    struct Broken: Error, CustomStringConvertible { var description: String { "it broke" } }

    /// Any other error a route throws is TEI's `Backend` (424), in the group's style.
    @Test func errorMiddlewareWordsErrorsInItsGroupsStyle() async throws {
        let router = Router(context: ServeContext.self)
        router.group("tei").add(middleware: ErrorMiddleware(style: .tei))
            .get("broken") { _, _ -> Response in throw Broken() }
            .get("empty") { _, _ -> Response in throw ServeError.empty("nothing") }
        router.group("openai").add(middleware: ErrorMiddleware(style: .openAI))
            .get("broken") { _, _ -> Response in throw Broken() }
            .get("empty") { _, _ -> Response in throw ServeError.empty("nothing") }
            .get("plain") { _, _ -> Response in throw RequestBodyError(status: .badRequest, message: "not JSON") }
        try await Application(router: router).test(.router) { client in
            try ServeHarness.expectError(
                try await client.execute(uri: "/tei/broken", method: .get), 424, "Backend", contains: "Backend error: it broke")
            try ServeHarness.expectError(try await client.execute(uri: "/tei/empty", method: .get), 400, "Empty", contains: "nothing")
            for (path, code, type) in [("/openai/broken", 424, "Backend"), ("/openai/empty", 400, "Empty")] {
                let response = try await client.execute(uri: path, method: .get)
                let body = try ServeHarness.json(response) as? [String: Any]
                #expect(response.status.code == code && body?["code"] as? Int == code && body?["type"] as? String == type, "\(path)")
                #expect(body?["message"] is String && body?["error"] == nil)
            }
            let plain = try await client.execute(uri: "/openai/plain", method: .get)
            #expect(plain.status == .badRequest && String(buffer: plain.body) == "not JSON")
        }
    }

    /// The API key guards the model's routes, not the public ones nor unknown paths; while the model loads, the
    /// OpenAI routes answer 503 in OpenAI's words, and those refusals are not counted as failed requests.
    @Test func groupsWhileLoadingAndWithAKey() async throws {
        let (server, gate) = ServeHarness.gatedServer()
        try await server.application().test(.router) { client in
            let auth: HTTPFields = [.contentType: "application/json", .authorization: "Bearer secret"]
            #expect(try await client.execute(uri: "/nowhere", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/ping", method: .get).status == .serviceUnavailable, "public")
            let loading = try await ServeHarness.post(client, "/v1/embeddings", "{\"input\":\"a\"}", headers: auth)
            let body = try ServeHarness.json(loading) as? [String: Any]
            #expect(loading.status.code == 503 && body?["code"] as? Int == 503 && body?["type"] as? String == "Unhealthy")
            #expect(try await ServeHarness.post(client, "/v1/embeddings", "{\"input\":\"a\"}").status == .unauthorized)
            gate.signal()
            try await ServeHarness.waitReady(client)
            try ServeHarness.expectError(try await ServeHarness.post(client, "/predict", "{\"inputs\":\"\"}", headers: auth), 400, "Empty")
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("te_request_failure{err=\"empty\"} 1"))
            #expect(!metrics.contains("err=\"unhealthy\""), "the model not being ready is no failed request")
            #expect(server.state.metrics.accepted == server.state.metrics.answered)
        }
    }
}

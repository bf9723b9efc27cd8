// The README's example: an embedding endpoint in a Hummingbird app that uses the BertKit library directly (built with
// the package, so it keeps compiling). `swift run EmbeddingServerExample [MODEL]`, then
// `curl -s localhost:8080/embed -H 'content-type: application/json' -d '{"inputs": ["A cat sits."]}'`.
import BertHub
import BertKit
import Hummingbird

struct EmbedRequest: Decodable { let inputs: [String] }

let name = CommandLine.arguments.dropFirst().first ?? "sentence-transformers/all-MiniLM-L6-v2"
let model = try await BertModel(name: name)  // the Hugging Face cache, else the Hub
let router = Router()
router.post("/embed") { request, context -> [[Float]] in
    let body = try await request.decode(as: EmbedRequest.self, context: context)
    return try await model.embed(body.inputs)  // the engine thread computes; this task waits, suspended
}
try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080))).runService()

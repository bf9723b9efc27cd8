import BertHub
import BertModelIO
import Foundation
import TestSupport

/// The fixture repo the tests serve: a sentence-transformers folder with Dense modules (their own weights),
/// Normalize, and a file BertKit does not read (`expected.json`).
let fixtureRepo = Fixtures.path("st/bert-dense")

/// The files of `fixtureRepo` that BertKit reads, so downloads.
let fixtureFiles = [
    "1_Pooling/config.json", "2_Dense/config.json", "2_Dense/model.safetensors", "3_Dense/config.json",
    "3_Dense/model.safetensors", "4_Normalize/config.json", "config.json", "config_sentence_transformers.json",
    "model.safetensors", "modules.json", "sentence_bert_config.json", "tokenizer.json", "tokenizer_config.json",
]

/// A Hub on `fake`, with the cache `cache`, as the environment would configure it (no token file read from home).
func hub(_ fake: FakeHub?, cache: URL, token: String? = nil, offline: Bool = false) -> Hub {
    var environment = [
        "HF_HUB_CACHE": cache.path, "HF_TOKEN_PATH": "/nonexistent/token", "HF_ENDPOINT": fake?.endpoint ?? "http://127.0.0.1:9",
        "HF_HUB_ETAG_TIMEOUT": "1",
    ]
    if let token { environment["HF_TOKEN"] = token }
    if offline { environment["HF_HUB_OFFLINE"] = "1" }
    return Hub(environment: environment)
}

/// Every file under `folder`, relative, links followed to their content.
func contents(of folder: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let walker = FileManager.default.enumerator(atPath: folder)
    while let next = walker?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let path = folder + "/" + next
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            files[next] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
    }
    return files
}

/// Files under `folder` whose name ends with `suffix` (leftovers such as `.incomplete`).
func files(in folder: String, endingWith suffix: String) -> [String] {
    let walker = FileManager.default.enumerator(atPath: folder)
    var found: [String] = []
    while let next = walker?.nextObject() as? String {
        if next.hasSuffix(suffix) { found.append(next) }
    }
    return found
}

/// The HubError a call throws (nil if it succeeds or throws something else).
func hubError(_ body: () async throws -> Void) async -> HubError? {
    do {
        try await body()
        return nil
    } catch let error as HubError {
        return error
    } catch {
        return nil
    }
}

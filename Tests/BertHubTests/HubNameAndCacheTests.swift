import BertHub
import BertModelIO
import Foundation
import Testing
import TestSupport

@Suite struct HubNameAndCacheTests {
    @Test func namesParseAsTheHubAcceptsThem() throws {
        let name = try HubModelName(parsing: "sentence-transformers/all-MiniLM-L6-v2")
        #expect(name.repo == "sentence-transformers/all-MiniLM-L6-v2" && name.revision == "main")
        #expect(name.cacheFolderName == "models--sentence-transformers--all-MiniLM-L6-v2")
        let pinned = try HubModelName(parsing: "BAAI/bge-small-en-v1.5@refs/pr/12")
        #expect(pinned.repo == "BAAI/bge-small-en-v1.5" && pinned.revision == "refs/pr/12" && !pinned.isCommit)
        #expect(try HubModelName(parsing: "bert-base-uncased").repo == "bert-base-uncased")
        #expect(try HubModelName(parsing: "a/b@0123456789abcdef0123456789abcdef01234567").isCommit)
        for bad in [
            "", "a/b/c", "../etc", "a/..", "a/.b", "a/b-", "a--b/c", "a/b c", "a/b@", "a/b@../x", "a/b@x//y", "a/b@/x",
            "/abs/path", "a/" + String(repeating: "x", count: 97), "a/é",
        ] {
            #expect(throws: HubError.self, "\(bad)") { try HubModelName(parsing: bad) }
        }
        #expect(throws: HubError.invalidName("a/b/c", reason: "a model name is ORG/NAME or NAME")) { try HubModelName(parsing: "a/b/c") }
    }

    @Test func theCacheIsFoundWhereHuggingFaceHubLooks() {
        #expect(HubCache(environment: ["HF_HUB_CACHE": "/x/hub", "HF_HOME": "/y"]).root == "/x/hub")
        #expect(HubCache(environment: ["HUGGINGFACE_HUB_CACHE": "/old/hub", "HF_HOME": "/y"]).root == "/old/hub")
        #expect(HubCache(environment: ["HF_HOME": "/y/", "HOME": "/home/u"]).root == "/y/hub")
        #expect(HubCache(environment: ["HF_HOME": "~/hf", "HOME": "/home/u"]).root == "/home/u/hf/hub")
        #expect(HubCache(environment: ["XDG_CACHE_HOME": "/xdg", "HOME": "/home/u"]).root == "/xdg/huggingface/hub")
        #expect(HubCache(environment: ["HOME": "/home/u"]).root == "/home/u/.cache/huggingface/hub")
        let hub = Hub(environment: ["HF_ENDPOINT": "https://mirror.example/", "HF_TOKEN": " t0k \n", "HF_HUB_OFFLINE": "true", "HOME": "/nonexistent"])
        #expect(hub.endpoint == "https://mirror.example" && hub.token == "t0k" && hub.offline)
        #expect(Hub(environment: ["HOME": "/nonexistent"]).endpoint == "https://huggingface.co")
        #expect(!Hub(environment: ["HF_HUB_OFFLINE": "0", "HOME": "/nonexistent"]).offline)
    }

    @Test func theTokenFileHuggingFaceHubSavesIsRead() throws {
        let home = try Fixtures.temporaryDirectory()
        try Data("hf_saved\n".utf8).write(to: home.appendingPathComponent("token"))
        #expect(Hub(environment: ["HF_HOME": home.path]).token == "hf_saved")
        #expect(Hub(environment: ["HF_HOME": home.path, "HF_TOKEN": "hf_env"]).token == "hf_env")
    }

    @Test func aRefThatIsNoCommitIsAnErrorNamingIt() throws {
        let cache = try Fixtures.temporaryDirectory()
        let name = try HubModelName(parsing: "a/b")
        try FileManager.default.createDirectory(atPath: cache.path + "/models--a--b/refs", withIntermediateDirectories: true)
        try Data("../../etc".utf8).write(to: URL(fileURLWithPath: cache.path + "/models--a--b/refs/main"))
        #expect(throws: ModelIOError.unreadable(path: cache.path + "/models--a--b/refs/main", reason: "expected a 40-digit commit hash")) {
            try HubCache(root: cache.path).cachedCommit(name)
        }
    }

    @Test func theFilePlanTakesWhatBertKitReads() throws {
        let repo: Set<String> = [
            "config.json", "tokenizer.json", "vocab.txt", "model.safetensors", "pytorch_model.bin", "tf_model.h5",
            "onnx/model.onnx", "README.md", "modules.json", "1_Pooling/config.json", "2_Dense/config.json",
            "2_Dense/pytorch_model.bin", "special_tokens_map.json",
        ]
        let modules = [HubFilePlan.Module(path: "1_Pooling", hasWeights: false), HubFilePlan.Module(path: "2_Dense", hasWeights: true)]
        #expect(HubFilePlan.files(available: repo, modules: modules) == [
            "config.json", "modules.json", "tokenizer.json", "special_tokens_map.json", "1_Pooling/config.json",
            "2_Dense/config.json", "2_Dense/pytorch_model.bin", "model.safetensors",
        ])
        #expect(HubFilePlan.missingRequired(available: repo, modules: modules) == nil)
        #expect(HubFilePlan.missingRequired(available: repo.subtracting(["2_Dense/pytorch_model.bin"]), modules: modules)
            == "2_Dense/model.safetensors")
        #expect(HubFilePlan.files(available: ["config.json", "vocab.txt", "pytorch_model.bin"], modules: [])
            == ["config.json", "vocab.txt", "pytorch_model.bin"])
        #expect(HubFilePlan.missingRequired(available: ["config.json", "tokenizer.json"]) == "model.safetensors")
        #expect(HubFilePlan.missingRequired(available: ["config.json", "tokenizer.json", "model.safetensors.index.json"])?
            .contains("sharded") == true)
        #expect(HubFilePlan.missingRequired(available: ["tokenizer.json", "model.safetensors"]) == "config.json")
        #expect(HubFilePlan.missingRequired(available: ["config.json", "model.safetensors"]) == "tokenizer.json")
        #expect(throws: ModelIOError.self) {
            try HubFilePlan.modules(json: Data(#"[{"path": "../x"}]"#.utf8), path: "modules.json")
        }
        #expect(try HubFilePlan.modules(
            json: Data(#"[{"path": ""}, {"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}, {"path": "2_Dense", "type": "sentence_transformers.models.Dense"}]"#.utf8),
            path: "modules.json") == modules)
        for bad in ["", "/a", "a/../b", "./a", "a//b", "a\\b", "a/."] { #expect(!HubFilePlan.isSafeRelativePath(bad), "\(bad)") }
    }
}

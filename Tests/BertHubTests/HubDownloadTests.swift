import BertHub
import BertKit
import BertModelIO
import Foundation
import Testing
import TestSupport

/// Downloads from a local server that answers as the Hub does (scripts/hub/fake_hub.py), into huggingface_hub's
/// cache layout, and what is read back from it.
@Suite struct HubDownloadTests {
    @Test func downloadsTheFilesBertKitReadsInHuggingFaceHubsLayout() async throws {
        let fake = try FakeHub(repos: ["bertkit-test/tiny-st": fixtureRepo])
        let cache = try Fixtures.temporaryDirectory()
        let name = try HubModelName(parsing: "bertkit-test/tiny-st")
        let folder = try await hub(fake, cache: cache).snapshot(name)

        let repo = cache.path + "/models--bertkit-test--tiny-st"
        let commit = try String(contentsOfFile: repo + "/refs/main", encoding: .utf8)
        #expect(HubModelName.isCommitHash(commit))
        #expect(folder == repo + "/snapshots/" + commit)
        // Exactly the files BertKit reads (not expected.json), byte for byte.
        let downloaded = try contents(of: folder)
        #expect(downloaded.keys.sorted() == fixtureFiles)
        for file in fixtureFiles {
            #expect(downloaded[file] == FileManager.default.contents(atPath: fixtureRepo + "/" + file), "\(file)")
        }
        // Each is a relative link to its blob, named by the ETag: the SHA-256 of an LFS file, the git blob id of others.
        for file in fixtureFiles {
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + file)
            let depth = file.split(separator: "/").count
            #expect(target.hasPrefix(String(repeating: "../", count: depth + 1) + "blobs/"), "\(file) → \(target)")
            let etag = String(target.split(separator: "/").last ?? "")
            #expect(etag.count == (file.hasSuffix(".safetensors") ? 64 : 40), "\(file) → \(target)")
        }
        #expect(files(in: cache.path, endingWith: ".incomplete").isEmpty)
        #expect(FileManager.default.fileExists(atPath: cache.path + "/.locks/models--bertkit-test--tiny-st"))

        // The LFS files came from the content host, after the Hub's redirect; the token went to the Hub only.
        let log = try fake.log()
        #expect(log.contains { ($0["path"] as? String)?.hasPrefix("/content/") == true && ($0["host"] as? String)?.hasPrefix("localhost") == true })

        // The model loaded from the snapshot equals the fixture folder's.
        let inputs = [TextInput("A cat sits on the mat."), TextInput("Stock markets fell sharply today.")]
        let fromCache = try await BertModel(directory: folder).embed(inputs)
        let fromFolder = try await BertModel(directory: fixtureRepo).embed(inputs)
        #expect(fromCache == fromFolder)
    }

    @Test func aCompleteSnapshotIsReusedWithOneRequestAndOfflineWithNone() async throws {
        let fake = try FakeHub(repos: ["bertkit-test/tiny-st": fixtureRepo])
        let cache = try Fixtures.temporaryDirectory()
        let name = try HubModelName(parsing: "bertkit-test/tiny-st")
        let first = try await hub(fake, cache: cache).snapshot(name)
        let before = try fake.log().count
        let second = try await hub(fake, cache: cache).snapshot(name)
        #expect(second == first)
        let again = try fake.log().dropFirst(before)
        #expect(again.count == 1, "only the file list is asked: \(again)")
        #expect((again.first?["path"] as? String)?.hasPrefix("/api/models/") == true)

        let offline = try await hub(fake, cache: cache, offline: true).snapshot(name)
        #expect(offline == first)
        #expect(try fake.log().count == before + 1, "offline makes no request")
        // The Hub unreachable: the cached snapshot, as huggingface_hub falls back on it.
        fake.stop()
        #expect(try await hub(fake, cache: cache).snapshot(name) == first)
    }

    @Test func offlineSaysWhatIsMissing() async throws {
        let cache = try Fixtures.temporaryDirectory()
        let name = try HubModelName(parsing: "bertkit-test/tiny-st")
        let empty = await hubError { _ = try await hub(nil, cache: cache, offline: true).snapshot(name) }
        #expect(empty?.description.contains("bertkit-test/tiny-st (revision main) is not in the Hugging Face cache") == true, "\(String(describing: empty))")
        #expect(empty?.description.contains("HF_HUB_OFFLINE") == true)

        let fake = try FakeHub(repos: ["bertkit-test/tiny-st": fixtureRepo])
        let folder = try await hub(fake, cache: cache).snapshot(name)
        try FileManager.default.removeItem(atPath: folder + "/2_Dense/model.safetensors")
        let missing = await hubError { _ = try await hub(fake, cache: cache, offline: true).snapshot(name) }
        #expect(missing == .missingFile(
            model: "bertkit-test/tiny-st", revision: "main", file: "2_Dense/model.safetensors",
            why: "HF_HUB_OFFLINE is set, so nothing is downloaded"))
        try FileManager.default.removeItem(atPath: folder + "/config.json")
        let noConfig = await hubError { _ = try await hub(fake, cache: cache, offline: true).snapshot(name) }
        #expect(noConfig?.description.contains("config.json is not in the cache") == true, "\(String(describing: noConfig))")
        // Online, the missing files come back.
        _ = try await hub(fake, cache: cache).snapshot(name)
        #expect(try contents(of: folder).keys.sorted() == fixtureFiles)
    }

    @Test func aTagOrCommitRevisionResolvesAndIsRemembered() async throws {
        let fake = try FakeHub(repos: ["bertkit-test/tiny-st": fixtureRepo])
        let cache = try Fixtures.temporaryDirectory()
        let main = try await hub(fake, cache: cache).snapshot(try HubModelName(parsing: "bertkit-test/tiny-st"))
        let commit = URL(fileURLWithPath: main).lastPathComponent
        let tagged = try await hub(fake, cache: cache).snapshot(try HubModelName(parsing: "bertkit-test/tiny-st@v1"))
        #expect(tagged == main)
        #expect(try String(contentsOfFile: cache.path + "/models--bertkit-test--tiny-st/refs/v1", encoding: .utf8) == commit)
        let pinned = try await hub(nil, cache: cache, offline: true).snapshot(try HubModelName(parsing: "bertkit-test/tiny-st@" + commit))
        #expect(pinned == main)
        let unknown = await hubError { _ = try await hub(fake, cache: cache).snapshot(try HubModelName(parsing: "bertkit-test/tiny-st@nope")) }
        #expect(unknown?.description == "model bertkit-test/tiny-st (revision nope): HTTP 404: revision not found (Invalid rev id: nope)")
    }

    @Test func httpErrorsNameTheRepoAndSayWhenATokenIsNeeded() async throws {
        let fake = try FakeHub(repos: [
            "bertkit-test/gated": fixtureRepo + ":gated", "bertkit-test/forbidden": fixtureRepo + ":forbidden",
        ])
        let cache = try Fixtures.temporaryDirectory()
        let gated = try HubModelName(parsing: "bertkit-test/gated")
        let anonymous = await hubError { _ = try await hub(fake, cache: cache).snapshot(gated) }
        #expect(anonymous?.description.hasPrefix(
            "model bertkit-test/gated (revision main): HTTP 401: the repo is gated: accept its conditions on the Hub; set HF_TOKEN to a token that has access") == true,
            "\(String(describing: anonymous))")
        let wrongToken = await hubError { _ = try await hub(fake, cache: cache, token: "bad-token").snapshot(gated) }
        #expect(wrongToken?.description.contains("HTTP 403: the repo is gated: accept its conditions on the Hub; the HF_TOKEN given has no access") == true)
        // With a token that has access, the download works, and the token is sent as a bearer token to the Hub only.
        _ = try await hub(fake, cache: cache, token: "good-token").snapshot(gated)
        for entry in try fake.log() where (entry["path"] as? String)?.hasPrefix("/content/") == true {
            #expect(entry["authorization"] is NSNull, "the token left the Hub's origin: \(entry)")
        }
        #expect(try fake.log().contains { $0["authorization"] as? String == "Bearer good-token" })

        let forbidden = await hubError { _ = try await hub(fake, cache: cache).snapshot(try HubModelName(parsing: "bertkit-test/forbidden")) }
        #expect(forbidden?.description.hasPrefix("model bertkit-test/forbidden (revision main): HTTP 403: forbidden; set HF_TOKEN") == true)
        let missing = await hubError { _ = try await hub(fake, cache: cache).snapshot(try HubModelName(parsing: "bertkit-test/nothing")) }
        #expect(missing?.description.hasPrefix(
            "model bertkit-test/nothing (revision main): HTTP 401: repository not found, or private or gated; set HF_TOKEN") == true,
            "\(String(describing: missing))")
        #expect(!FileManager.default.fileExists(atPath: cache.path + "/models--bertkit-test--nothing/snapshots"))
    }

    @Test func theLibraryLoadsAModelByName() async throws {
        let fake = try FakeHub(repos: ["bertkit-test/tiny-st": fixtureRepo])
        let cache = try Fixtures.temporaryDirectory()
        let model = try await BertModel(name: "bertkit-test/tiny-st", options: .init(threads: 1), hub: hub(fake, cache: cache))
        #expect(model.directory.path.hasPrefix(cache.path + "/models--bertkit-test--tiny-st/snapshots/"))
        let reference = try BertModel(directory: fixtureRepo, options: .init(threads: 1))
        let texts = ["A cat sits on the mat.", "Stock markets fell sharply today."]
        #expect(try await model.embed(texts) == (try { try reference.embed(texts.map { TextInput($0) }) }()))
        await #expect(throws: HubError.invalidName("no/such/thing", reason: "a model name is ORG/NAME or NAME")) {
            _ = try await BertModel(name: "no/such/thing", hub: hub(fake, cache: cache))
        }
    }

    @Test func noServerAndNoCacheIsANetworkErrorNamingTheEndpoint() async throws {
        let cache = try Fixtures.temporaryDirectory()
        let error = await hubError { _ = try await hub(nil, cache: cache).snapshot(try HubModelName(parsing: "bertkit-test/tiny-st")) }
        #expect(error?.description.hasPrefix("model bertkit-test/tiny-st (revision main): cannot reach http://127.0.0.1:9") == true, "\(String(describing: error))")
    }
}

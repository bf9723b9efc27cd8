import Foundation
import TestSupport
import Testing

/// Models by name on the command line: `--model ORG/NAME` and `MODEL_ID` resolved through the Hugging Face cache,
/// downloaded from a local server that answers as the Hub does (scripts/hub/fake_hub.py).
@Suite(.serialized) struct HubCLITests {
    static let repo = Fixtures.path("st/bert-dense")

    static func environment(_ fake: FakeHub?, cache: URL, offline: Bool = false) -> [String: String] {
        var environment = [
            "HF_HUB_CACHE": cache.path, "HF_ENDPOINT": fake?.endpoint ?? "http://127.0.0.1:9", "HF_TOKEN_PATH": "/nonexistent",
            "HF_HUB_ETAG_TIMEOUT": "1",
        ]
        if offline { environment["HF_HUB_OFFLINE"] = "1" }
        return environment
    }

    @Test func serveStartsFromAnEmptyCacheThenOffline() async throws {
        let fake = try FakeHub(repos: ["bertkit-test/tiny-st": Self.repo])
        let cache = try Fixtures.temporaryDirectory()
        let sentence = "A cat sits on the mat."
        let expected = try await offPool { try CLITests.run(["embed", "--model", Self.repo], stdin: Data((sentence + "\n").utf8)) }
        #expect(expected.status == 0, "\(expected.stderr)")
        let vector = try #require(
            (try JSONSerialization.jsonObject(with: Data(expected.stdout.utf8)) as? [String: Any])?["embedding"] as? [Double])

        for offline in [false, true] {
            if offline { fake.stop() }
            let port = ServeCLITests.freePort()
            var environment = Self.environment(fake, cache: cache, offline: offline)
            environment.merge(["MODEL_ID": "bertkit-test/tiny-st", "PORT": String(port), "HOSTNAME": "127.0.0.1"]) { $1 }
            let (process, errors) = try ServeCLITests.start([], environment: environment)
            defer { if process.isRunning { process.terminate() } }
            try await ServeCLITests.waitHealthy(port: port)
            let info = try #require(HTTPTestConnection(port: port))
            info.send("GET", "/info")
            #expect(info.response().contains("\"model_id\":\"bertkit-test/tiny-st\""), "offline \(offline)")
            let embed = try #require(HTTPTestConnection(port: port))
            embed.send("POST", "/embed", json: "{\"inputs\": \"\(sentence)\"}")
            let response = embed.response()
            let body = response.range(of: "\r\n\r\n").map { String(response[$0.upperBound...]) } ?? ""
            let served = try #require((try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[Double]])?.first, "\(response)")
            #expect(served.count == vector.count)
            #expect(zip(served, vector).allSatisfy { abs($0 - $1) < 1e-6 }, "offline \(offline)")
            process.terminate()
            process.waitUntilExit()
            let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(log.contains("downloaded bertkit-test/tiny-st model.safetensors") == !offline, "\(log)")
        }
    }

    @Test func embedTakesANameAndOfflineSaysWhatIsMissing() async throws {
        let fake = try FakeHub(repos: ["bertkit-test/tiny-st": Self.repo])
        let cache = try Fixtures.temporaryDirectory()
        let input = Data("A cat sits on the mat.\nStock markets fell sharply today.\n".utf8)
        let offline = try await offPool {
            try CLITests.run(["embed", "--model", "bertkit-test/tiny-st"], stdin: input, environment: Self.environment(fake, cache: cache, offline: true))
        }
        CLITests.expectFailure(
            offline,
            "bertkit-test/tiny-st is no folder; as a Hub model: model bertkit-test/tiny-st (revision main) is not in the Hugging Face cache \(cache.path) (HF_HUB_OFFLINE is set, so nothing is downloaded)")
        let byName = try await offPool {
            try CLITests.run(["embed", "--model", "bertkit-test/tiny-st"], stdin: input, environment: Self.environment(fake, cache: cache))
        }
        let byFolder = try await offPool { try CLITests.run(["embed", "--model", Self.repo], stdin: input) }
        #expect(byName.status == 0, "\(byName.stderr)")
        #expect(byName.stdout == byFolder.stdout)
        #expect(byName.stderr.split(separator: "\n").count == 13, "a line per file downloaded: \(byName.stderr)")
        let unknownRevision = try await offPool {
            try CLITests.run(["info", "--model", "bertkit-test/tiny-st@nope"], environment: Self.environment(fake, cache: cache))
        }
        CLITests.expectFailure(unknownRevision, "model bertkit-test/tiny-st (revision nope): HTTP 404: revision not found")
        // A path is never taken for a name.
        let path = try await offPool { try CLITests.run(["info", "--model", "./bertkit-test/tiny-st"]) }
        CLITests.expectFailure(path, "missing file or folder: ./bertkit-test/tiny-st")
    }

    @Test func twoProcessesDownloadingOneModelLeaveOneCompleteCopy() async throws {
        let fake = try FakeHub(repos: ["bertkit-test/slow": Self.repo + ":slow"])
        let cache = try Fixtures.temporaryDirectory()
        let environment = Self.environment(fake, cache: cache)
        let input = Data("A cat sits on the mat.\n".utf8)
        async let first = offPool { try CLITests.run(["embed", "--model", "bertkit-test/slow"], stdin: input, environment: environment) }
        async let second = offPool { try CLITests.run(["embed", "--model", "bertkit-test/slow"], stdin: input, environment: environment) }
        let runs = try await [first, second]
        for run in runs { #expect(run.status == 0, "\(run.stderr)") }
        #expect(runs[0].stdout == runs[1].stdout && !runs[0].stdout.isEmpty)
        let contentGets = try fake.log().filter { ($0["path"] as? String)?.hasPrefix("/content/") == true }
        #expect(contentGets.count == 3, "each LFS blob fetched once, the other process waiting on its lock: \(contentGets.count)")
        let leftovers = FileManager.default.enumerator(atPath: cache.path)?.allObjects.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".incomplete") } ?? []
        #expect(leftovers.isEmpty)
    }
}

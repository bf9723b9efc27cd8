import BertHub
import BertModelIO
import Foundation
import Testing
import TestSupport

/// A server that answers as no Hub should: each answer is refused with a one-line error naming the repo, revision and
/// file, and nothing half-written is left where it would be read as complete.
@Suite struct HubHostileTests {
    static let repos = [
        "hostile/dotdot": fixtureRepo + ":dotdot", "hostile/absolute": fixtureRepo + ":absolute",
        "hostile/badetag": fixtureRepo + ":badetag", "hostile/oversize": fixtureRepo + ":oversize",
        "hostile/checksum": fixtureRepo + ":checksum", "hostile/loop": fixtureRepo + ":loop",
        "hostile/nocommit": fixtureRepo + ":nocommit",
    ]

    func refusal(_ repo: String, _ fake: FakeHub, _ cache: URL) async throws -> HubError? {
        await hubError { _ = try await hub(fake, cache: cache).snapshot(try HubModelName(parsing: repo)) }
    }

    /// No complete-looking file of `repo` in the cache: no snapshot entry, no blob beside `.incomplete` ones.
    func expectNothingComplete(_ repo: String, _ cache: URL, file: String) {
        let folder = cache.path + "/models--" + repo.replacingOccurrences(of: "/", with: "--")
        let snapshots = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/snapshots")) ?? []
        for snapshot in snapshots {
            #expect(!FileManager.default.fileExists(atPath: folder + "/snapshots/" + snapshot + "/" + file), "\(repo): \(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/refs/main"), "\(repo): a ref to a partial snapshot")
    }

    @Test func fileNamesThatLeaveTheRepoAreRefused() async throws {
        let fake = try FakeHub(repos: Self.repos)
        let cache = try Fixtures.temporaryDirectory()
        let dotdot = try await refusal("hostile/dotdot", fake, cache)
        #expect(dotdot == .refused(
            model: "hostile/dotdot", revision: "main", file: "../outside.json",
            reason: "the file name is not a plain relative path (absolute, '..', '.', or empty parts)"))
        let absolute = try await refusal("hostile/absolute", fake, cache)
        #expect(absolute?.description.hasPrefix("model hostile/absolute (revision main), file /etc/passwd: refused") == true)
        #expect(!FileManager.default.fileExists(atPath: cache.path + "/outside.json"))
        #expect(!FileManager.default.fileExists(atPath: cache.path + "/models--hostile--dotdot"))
    }

    @Test func anETagThatCannotNameAFileIsRefused() async throws {
        let fake = try FakeHub(repos: Self.repos)
        let cache = try Fixtures.temporaryDirectory()
        let error = try await refusal("hostile/badetag", fake, cache)
        #expect(error?.description == "model hostile/badetag (revision main), file modules.json: refused: ETag '../../evil' cannot name a cache file")
        #expect(!FileManager.default.fileExists(atPath: cache.path + "/evil"))
        expectNothingComplete("hostile/badetag", cache, file: "modules.json")
    }

    @Test func moreBytesThanAnnouncedAreDiscarded() async throws {
        let fake = try FakeHub(repos: Self.repos)
        let cache = try Fixtures.temporaryDirectory()
        let error = try await refusal("hostile/oversize", fake, cache)
        #expect(error?.description.contains("file 2_Dense/model.safetensors: refused: more bytes than the") == true, "\(String(describing: error))")
        expectNothingComplete("hostile/oversize", cache, file: "2_Dense/model.safetensors")
        #expect(files(in: cache.path, endingWith: ".incomplete").isEmpty, "the oversized download is deleted")
    }

    @Test func aChecksumMismatchIsDiscarded() async throws {
        let fake = try FakeHub(repos: Self.repos)
        let cache = try Fixtures.temporaryDirectory()
        let error = try await refusal("hostile/checksum", fake, cache)
        guard case .checksumMismatch(let model, _, let file, let expected, let actual) = error else {
            Issue.record("expected a checksum mismatch, got \(String(describing: error))")
            return
        }
        #expect(model == "hostile/checksum" && file == "2_Dense/model.safetensors")
        #expect(expected != actual && actual.count == 64)
        expectNothingComplete("hostile/checksum", cache, file: "2_Dense/model.safetensors")
        #expect(files(in: cache.path, endingWith: ".incomplete").isEmpty)
        #expect(files(in: cache.path + "/models--hostile--checksum/blobs", endingWith: expected).isEmpty)
    }

    @Test func aRedirectLoopIsRefused() async throws {
        let fake = try FakeHub(repos: Self.repos)
        let cache = try Fixtures.temporaryDirectory()
        let error = try await refusal("hostile/loop", fake, cache)
        #expect(error?.description.contains("file 2_Dense/model.safetensors: refused: redirect loop through http://localhost:") == true, "\(String(describing: error))")
        expectNothingComplete("hostile/loop", cache, file: "2_Dense/model.safetensors")
    }

    @Test func anAnswerWithoutACommitIsNotAHub() async throws {
        let fake = try FakeHub(repos: Self.repos)
        let cache = try Fixtures.temporaryDirectory()
        let error = try await refusal("hostile/nocommit", fake, cache)
        #expect(error?.description.contains("refused: the answer has no X-Repo-Commit header (is HF_ENDPOINT a Hub?)") == true)
    }

    @Test func aCachedLinkLeavingTheCacheIsRefused() async throws {
        let fake = try FakeHub(repos: ["bertkit-test/tiny-st": fixtureRepo])
        let cache = try Fixtures.temporaryDirectory()
        let name = try HubModelName(parsing: "bertkit-test/tiny-st")
        let folder = try await hub(fake, cache: cache).snapshot(name)
        let outside = try Fixtures.temporaryDirectory().appendingPathComponent("tokenizer.json")
        try Data("{}".utf8).write(to: outside)
        try FileManager.default.removeItem(atPath: folder + "/tokenizer.json")
        try FileManager.default.createSymbolicLink(atPath: folder + "/tokenizer.json", withDestinationPath: outside.path)
        for offline in [true, false] {
            let error = await hubError { _ = try await hub(fake, cache: cache, offline: offline).snapshot(name) }
            guard case .outsideCache(let path, let target) = error else {
                Issue.record("offline \(offline): expected outsideCache, got \(String(describing: error))")
                continue
            }
            #expect(path == folder + "/tokenizer.json")
            #expect(target.hasSuffix("/tokenizer.json") && !target.hasPrefix(cache.path))
        }
    }

    @Test func anInterruptedDownloadResumesWithARangeRequest() async throws {
        let fake = try FakeHub(repos: ["flaky/interrupted": fixtureRepo + ":interrupted"])
        let cache = try Fixtures.temporaryDirectory()
        let name = try HubModelName(parsing: "flaky/interrupted")
        let first = await hubError { _ = try await hub(fake, cache: cache).snapshot(name) }
        guard case .network(_, _, let file, _, _) = first else {
            Issue.record("expected the cut connection as a network error, got \(String(describing: first))")
            return
        }
        #expect(file == "2_Dense/model.safetensors")
        let partial = files(in: cache.path, endingWith: ".incomplete")
        #expect(partial.count == 1)
        expectNothingComplete("flaky/interrupted", cache, file: "2_Dense/model.safetensors")
        let kept = partial.first.map { (try? FileManager.default.attributesOfItem(atPath: cache.path + "/" + $0)[.size] as? Int) ?? 0 } ?? 0
        #expect(kept > 0)

        let folder = try await hub(fake, cache: cache).snapshot(name)
        let ranges = try fake.log().compactMap { $0["range"] as? String }
        #expect(ranges.contains("bytes=\(kept)-"), "resumed from the \(kept) bytes kept: \(ranges)")
        let downloaded = try contents(of: folder)
        #expect(downloaded.keys.sorted() == fixtureFiles)
        for file in fixtureFiles {
            #expect(downloaded[file] == FileManager.default.contents(atPath: fixtureRepo + "/" + file), "\(file)")
        }
        #expect(files(in: cache.path, endingWith: ".incomplete").isEmpty)
    }

    @Test func twoDownloadsOfOneModelAtOnceLeaveOneCompleteCopy() async throws {
        let fake = try FakeHub(repos: ["bertkit-test/slow": fixtureRepo + ":slow"])
        let cache = try Fixtures.temporaryDirectory()
        let name = try HubModelName(parsing: "bertkit-test/slow")
        async let a = hub(fake, cache: cache).snapshot(name)
        async let b = hub(fake, cache: cache).snapshot(name)
        let (first, second) = try await (a, b)
        #expect(first == second)
        let downloaded = try contents(of: first)
        for file in fixtureFiles {
            #expect(downloaded[file] == FileManager.default.contents(atPath: fixtureRepo + "/" + file), "\(file)")
        }
        let blobs = try FileManager.default.contentsOfDirectory(atPath: cache.path + "/models--bertkit-test--slow/blobs")
        #expect(blobs.count == Set(fixtureFiles.map { FileManager.default.contents(atPath: fixtureRepo + "/" + $0) }).count)
        #expect(files(in: cache.path, endingWith: ".incomplete").isEmpty)
        // Each blob's bytes were fetched once: the second download waited on the lock and found it complete.
        let contentGets = try fake.log().filter { ($0["path"] as? String)?.hasPrefix("/content/") == true }
        #expect(contentGets.count == 3, "three LFS files, each fetched once: \(contentGets)")
    }
}

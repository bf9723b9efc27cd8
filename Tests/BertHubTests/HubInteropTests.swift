import BertHub
import BertModelIO
import Foundation
import Testing
import TestSupport

/// One cache for Python and BertKit: Python's `huggingface_hub` (PyPI, in `.venv-clients`) downloads from the local
/// Hub into a cache that BertKit then reads offline, and reads back offline what BertKit downloaded; both ways the
/// bytes are those the Hub served.
@Suite struct HubInteropTests {
    static let python = Fixtures.root.appendingPathComponent(".venv-clients/bin/python").path

    /// scripts/hub/hf_interop.py's answer: the SHA-256 of each file read, and the path it was read from.
    func huggingFaceHub(_ arguments: [String]) async throws -> (files: [String: String], paths: [String: String]) {
        let (status, output, errors) = try await offPool { () throws -> (Int32, Data, String) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.python)
            process.arguments = [Fixtures.root.appendingPathComponent("scripts/hub/hf_interop.py").path] + arguments
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, data, text)
        }
        try #require(status == 0, "hf_interop.py failed: \(errors)")
        let json = try #require(try JSONSerialization.jsonObject(with: output) as? [String: [String: String]])
        return (json["files"] ?? [:], json["paths"] ?? [:])
    }

    func sha256(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    @Test func pythonsDownloadsAreReadByBertKitAndBertKitsByPython() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.python), "\(Self.python) missing: run `make clients-venv` (make test does it)")
        let fake = try FakeHub(repos: ["bertkit-test/tiny-st": fixtureRepo])
        let name = try HubModelName(parsing: "bertkit-test/tiny-st")
        let expected = try Dictionary(uniqueKeysWithValues: fixtureFiles.map { ($0, try sha256(fixtureRepo + "/" + $0)) })

        // Python fills a cache; BertKit reads it offline, without a request.
        let pythonCache = try Fixtures.temporaryDirectory()
        let downloaded = try await huggingFaceHub(
            ["download", "--endpoint", fake.endpoint, "--cache", pythonCache.path, "--repo", name.repo] + fixtureFiles)
        #expect(downloaded.files == expected)
        let requests = try fake.log().count
        let folder = try await hub(nil, cache: pythonCache, offline: true).snapshot(name)
        #expect(try fake.log().count == requests)
        for file in fixtureFiles { #expect(try sha256(folder + "/" + file) == expected[file], "\(file)") }
        #expect(folder + "/config.json" == downloaded.paths["config.json"])
        // And online, BertKit finds the snapshot complete: one request for the file list, no download.
        _ = try await hub(fake, cache: pythonCache).snapshot(name)
        #expect(try fake.log().count == requests + 1)

        // BertKit fills a cache; Python reads it with local_files_only under HF_HUB_OFFLINE=1.
        let bertkitCache = try Fixtures.temporaryDirectory()
        let ours = try await hub(fake, cache: bertkitCache).snapshot(name)
        let read = try await huggingFaceHub(["read", "--cache", bertkitCache.path, "--repo", name.repo] + fixtureFiles)
        #expect(read.files == expected)
        #expect(read.paths["config.json"] == ours + "/config.json")
        // The two caches hold the same blob names and snapshot links.
        let repo = "/models--bertkit-test--tiny-st"
        let pythonBlobs = try Set(FileManager.default.contentsOfDirectory(atPath: pythonCache.path + repo + "/blobs"))
        let ourBlobs = try Set(FileManager.default.contentsOfDirectory(atPath: bertkitCache.path + repo + "/blobs"))
        #expect(ourBlobs == pythonBlobs)
        for file in fixtureFiles {
            let theirs = try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + file)
            let mine = try FileManager.default.destinationOfSymbolicLink(atPath: ours + "/" + file)
            #expect(mine == theirs, "\(file)")
        }
        #expect(try String(contentsOfFile: bertkitCache.path + repo + "/refs/main", encoding: .utf8)
            == String(contentsOfFile: pythonCache.path + repo + "/refs/main", encoding: .utf8))
    }
}

import BertBench
import BertKit
import Foundation
import TestSupport
import Testing

/// A tune session on the tiny model with the fake engine: the serve check gets the chosen setup, its figure goes into
/// tune.json, its failure is recorded, and its reserve comes out of the search's budget.
@Suite struct TuneSessionTests {
    struct Refused: Error, CustomStringConvertible { var description: String { "the port is taken" } }

    static func configuration(budget: Double, reserve: Double) throws -> TuneConfiguration {
        let folder = try Fixtures.temporaryDirectory()
        let data = folder.appendingPathComponent("data.txt").path
        try (0..<48).map { "the cat sat on the mat \($0)" }.joined(separator: "\n").write(toFile: data, atomically: true, encoding: .utf8)
        var c = TuneConfiguration(
            modelPath: Fixtures.path("models/tiny-bert-cls"), dataPath: data, outputFolder: folder.appendingPathComponent("out").path)
        c.budget = budget
        c.serveReserve = reserve
        c.backends = ["native"]
        c.precisions = [.fp32]
        c.threads = [1]
        return c
    }

    @Test func serveCheckFigureGoesIntoTheSetup() throws {
        let session = try TuneSession(Self.configuration(budget: 1e6, reserve: 10))
        let served = TunedSetup.Served(connections: 64, requestsPerSecond: 1234.5, p50Ms: 40, p99Ms: 70, seconds: 6)
        var asked: [TunedSetup] = []
        let results = try session.run(
            measurer: TuneSearchTests.FakeMeasurer(), accuracy: [],
            serve: { setup, data in
                asked.append(setup)
                #expect(data.inputs.count == 48)
                return served
            })
        let setup = try #require(results.setup)
        #expect(asked.count == 1)
        var unserved = setup
        unserved.served = nil
        #expect(asked.first == unserved, "the check served the chosen setup")
        #expect(setup.served == served && results.servedNote == nil)
        let written = try TuneResults.load(session.configuration.outputFolder)
        #expect(written.setup?.served == served)
        let report = try String(contentsOfFile: session.configuration.outputFolder + "/report.md", encoding: .utf8)
        #expect(report.contains("1234.5 requests/s"))

        // A failed check leaves the setup without a served figure and says why.
        let failing = try TuneSession(Self.configuration(budget: 1e6, reserve: 10))
        let failed = try failing.run(measurer: TuneSearchTests.FakeMeasurer(), accuracy: [], serve: { _, _ in throw Refused() })
        #expect(failed.setup != nil && failed.setup?.served == nil)
        #expect(failed.servedNote == "not served: the port is taken")
    }

    @Test func reserveComesOutOfTheSearchBudget() throws {
        var slow = TuneSearchTests.FakeMeasurer()
        slow.secondsPerSequence = 0.05
        let budget = 70.0, reserve = 30.0
        let checked = try TuneSession(Self.configuration(budget: budget, reserve: reserve))
            .run(
                measurer: slow, accuracy: [],
                serve: { _, _ in TunedSetup.Served(connections: 1, requestsPerSecond: 1, p50Ms: 1, p99Ms: 1, seconds: 1) })
        let measured = checked.trials.compactMap(\.figures).map(\.seconds).reduce(0, +)
        #expect(measured <= budget - reserve, "the search spent \(measured) s of \(budget - reserve)")
        #expect(!checked.complete)
        // Without a serve check the reserve is not kept: the search goes further.
        let unchecked = try TuneSession(Self.configuration(budget: budget, reserve: reserve)).run(measurer: slow, accuracy: [])
        let more = unchecked.trials.compactMap(\.figures).map(\.seconds).reduce(0, +)
        #expect(more > budget - reserve && more <= budget)
    }
}

import BertKit
import Foundation
import Synchronization
import Testing

@testable import BertBench

/// The harness over the tiny model with a counting engine: data errors, batch layout, resume.
@Suite struct BenchSessionTests {
    @Test func everyCellCoversTheDataSetEachPass() throws {
        let data = try BenchFixtures.dataFile(BenchFixtures.sentences)
        let out = try BenchFixtures.folder("cover")
        let engine = CountingEngine()
        let session = try BenchSession(BenchFixtures.configuration(data: data, out: out), makeEngine: { _ in engine })
        #expect(session.cells.count == 2 * (3 * 3 + 2 * 2))
        let results = try session.run()
        #expect(results.complete)
        #expect(results.cells.map(\.key) == session.cells.map(\.key))
        // The native engine's instruction set is part of every result.
        #expect(results.versions["kernels"] == (try KernelISA.resolve()).rawValue)
        for cell in results.cells {
            #expect(cell.repeatsMs.count == 2)
            #expect(cell.msPerSequence.count == 2)
            if let length = cell.spec.length {
                #expect(cell.sequences == 8 && cell.tokens == 8 * length && cell.paddedTokens == cell.tokens)
            } else {
                #expect(cell.sequences == 40)
                #expect(cell.tokens == results.data.tokens)
                #expect(cell.paddedTokens >= cell.tokens)
                if cell.spec.ordering != .tokens { #expect(cell.batches == (40 + cell.spec.batchSize - 1) / cell.spec.batchSize) }
            }
            #expect(cell.batchMs.count == cell.batches * 2)
        }
        // Sorting cuts padding; batch 1 has none.
        func padded(_ o: Ordering, _ b: Int) -> Int? {
            results.cells.first {
                $0.spec.ordering == o && $0.spec.batchSize == b && $0.spec.length == nil && $0.spec.backend == "native-packed"
            }?.paddedTokens
        }
        #expect(try #require(padded(.sorted, 16)) < #require(padded(.unsorted, 16)))
        #expect(padded(.unsorted, 1) == results.data.tokens)
        // warm-up (first and longest batch) plus two passes per cell
        let expectedSequences = results.cells.reduce(0) { $0 + 2 * $1.sequences }
        #expect(engine.sequences.load(ordering: .relaxed) > expectedSequences)
        for file in ["results.json", "results.csv", "report.md", "index.html", "batch.svg", "ordering.svg", "lengths.svg"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
    }

    @Test func sweepSequencesHaveExactLengthAndSpecialTokens() throws {
        let data = try BenchFixtures.dataFile(BenchFixtures.sentences)
        let session = try BenchSession(
            BenchFixtures.configuration(data: data, out: try BenchFixtures.folder("sweep")),
            makeEngine: { _ in CountingEngine() })
        let sequences = session.data.sweep(length: 16, count: 5)
        let first = session.data.encodings[0]
        #expect(sequences.count == 5)
        for s in sequences {
            #expect(s.count == 16)
            #expect(s.first == first.ids.first && s.last == first.ids.last)  // [CLS] ... [SEP]
        }
        #expect(sequences[0] != sequences[1])
    }

    @Test func interruptedRunResumes() throws {
        let data = try BenchFixtures.dataFile(BenchFixtures.sentences)
        let out = try BenchFixtures.folder("resume")
        let configuration = BenchFixtures.configuration(data: data, out: out)
        let engine = CountingEngine()
        let first = try BenchSession(configuration, makeEngine: { _ in engine })
        // Stop once 100 batches ran: some cells are done, one is under way.
        let partial = try first.run(shouldStop: { engine.batches.load(ordering: .relaxed) >= 100 })
        #expect(!partial.complete)
        #expect(partial.cells.count > 0 && partial.cells.count < first.cells.count)
        let saved = try BenchResults.load(out)
        #expect(saved.cells == partial.cells && !saved.complete)

        var again = configuration
        again.resume = true
        let counter = CountingEngine()
        let second = try BenchSession(again, makeEngine: { _ in counter })
        #expect(second.finished == partial.cells)
        #expect(second.warnings.contains { $0.contains("resuming: \(partial.cells.count) of \(first.cells.count) cells") })
        let full = try second.run()
        #expect(full.complete)
        #expect(full.cells.map(\.key) == first.cells.map(\.key))
        for kept in partial.cells { #expect(full.cells.contains(kept)) }  // measured once, kept as they were
        let rerunSequences = full.cells.filter { !partial.cells.contains($0) }.reduce(0) { $0 + 2 * $1.sequences }
        #expect(counter.sequences.load(ordering: .relaxed) < rerunSequences + 2 * full.cells.count * 16 + 1)
        #expect(counter.sequences.load(ordering: .relaxed) >= rerunSequences)

        // Another data set is not resumed.
        var other = again
        other.dataPath = try BenchFixtures.dataFile(Array(BenchFixtures.sentences.prefix(10)))
        let fresh = try BenchSession(other, makeEngine: { _ in CountingEngine() })
        #expect(fresh.finished.isEmpty)
        #expect(fresh.warnings.contains { $0.hasPrefix("not resuming") })
    }

    @Test func dataFileErrors() throws {
        let out = try BenchFixtures.folder("errors")
        let empty = try BenchFixtures.dataFile([])
        #expect(throws: BenchError.emptyData(path: empty)) {
            try BenchSession(BenchFixtures.configuration(data: empty, out: out), makeEngine: { _ in CountingEngine() })
        }
        let invalid = try BenchFixtures.folder("utf8") + "/bad.txt"
        try Data([0x6f, 0x6b, 0x0a, 0x62, 0xff, 0xfe, 0x0a]).write(to: URL(fileURLWithPath: invalid))
        do {
            _ = try BenchSession(BenchFixtures.configuration(data: invalid, out: out), makeEngine: { _ in CountingEngine() })
            Issue.record("invalid UTF-8 accepted")
        } catch {
            #expect("\(error)" == "\(invalid) line 2: invalid UTF-8")
        }
        let blank = try BenchFixtures.dataFile(["one", "", "three"])
        do {
            _ = try BenchSession(BenchFixtures.configuration(data: blank, out: out), makeEngine: { _ in CountingEngine() })
            Issue.record("empty line accepted")
        } catch {
            #expect("\(error)".contains("line 2: the text is empty"))
        }
        #expect(throws: (any Error).self) {
            try BenchSession(BenchFixtures.configuration(data: out + "/missing.txt", out: out), makeEngine: { _ in CountingEngine() })
        }
    }

    @Test func longInputsAreTruncatedWithAWarning() throws {
        // The tiny model takes 40 tokens; two lines are far longer.
        let long = Array(repeating: "word", count: 200).joined(separator: " ")
        let data = try BenchFixtures.dataFile(["short one", long, "another short", long])
        let session = try BenchSession(
            BenchFixtures.configuration(data: data, out: try BenchFixtures.folder("long")),
            makeEngine: { _ in CountingEngine() })
        #expect(session.data.statistics.truncated == 2)
        #expect(session.data.encodings.map(\.count).max() == 40)
        #expect(session.warnings.contains("2 of 4 inputs of \(data) are longer than the model's 40 tokens and were truncated to it"))
    }
}

import BertKit
import Foundation
import Synchronization
import TestSupport

@testable import BertBench

/// An engine that does no work: the harness alone is timed. Counts the batches it sees.
final class CountingEngine: BenchEngine {
    let batches = Atomic<Int>(0)
    let sequences = Atomic<Int>(0)
    func run(_ batch: TokenBatch) throws {
        batches.add(1, ordering: .relaxed)
        sequences.add(batch.count, ordering: .relaxed)
    }
}

enum BenchFixtures {
    static let tinyModel = Fixtures.path("models/tiny-bert-cls")

    /// A fresh temporary folder.
    static func folder(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "bertkit-bench-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A data file with `lines`, in a fresh folder.
    static func dataFile(_ lines: [String]) throws -> String {
        let path = try folder("data") + "/data.txt"
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Sentences of varied length.
    static let sentences = (0..<40).map { i in
        (0...(i % 9)).map { _ in "word" }.joined(separator: " ") + "."
    }

    /// A configuration over the tiny model with a small grid.
    static func configuration(data: String, out: String) -> BenchConfiguration {
        var c = BenchConfiguration(modelPath: tinyModel, dataPath: data, outputFolder: out)
        c.batchSizes = [1, 4, 16]
        c.lengths = [8, 16]
        c.lengthBatchSizes = [1, 4]
        c.repeats = 2
        c.sweepSize = 8
        c.threads = [1]
        return c
    }
}

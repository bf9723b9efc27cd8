import BertKit
import TestSupport
import Testing

@testable import BertBench

/// Grid expansion, orderings and backend selection.
@Suite struct GridTests {
    static let native = [BenchGrid.BackendChoice(name: "native-packed"), .init(name: "native-padded")]

    @Test func defaultGridExpandsToEveryCell() throws {
        let grid = try BenchGrid(backends: Self.native, threads: [2])
        let (cells, skipped) = grid.cells(maxLength: 512)
        // 2 backends × (3 orderings × 7 batch sizes + 6 lengths × 2 batch sizes)
        #expect(cells.count == 2 * (3 * 7 + 6 * 2))
        #expect(skipped.isEmpty)
        #expect(Set(cells.map(\.key)).count == cells.count)
        // Grouped by engine: every native-packed cell comes before the first native-padded one.
        let firstPadded = try #require(cells.firstIndex { $0.backend == "native-padded" })
        #expect(cells[..<firstPadded].allSatisfy { $0.backend == "native-packed" })
        #expect(cells[0] == CellSpec(backend: "native-packed", threads: 2, ordering: .unsorted, batchSize: 1))
        #expect(cells.filter { $0.length != nil }.allSatisfy { [1, 8].contains($0.batchSize) && $0.ordering == .unsorted })
    }

    @Test func lengthsAboveTheModelAreSkippedAndDuplicatesDropped() throws {
        let grid = try BenchGrid(
            backends: [.init(name: "native-packed")], batchSizes: [8, 8, 1], orderings: [.sorted],
            threads: [1, 2], lengths: [16, 256, 512], lengthBatchSizes: [1])
        let (cells, skipped) = grid.cells(maxLength: 256)
        #expect(skipped == [512])
        #expect(cells.count == 2 * (2 + 2))
        #expect(
            cells.map(\.key).prefix(4) == [
                "native-packed/fp32/t1/sorted/b8/data", "native-packed/fp32/t1/sorted/b1/data",
                "native-packed/fp32/t1/unsorted/b1/len16", "native-packed/fp32/t1/unsorted/b1/len256",
            ])
    }

    @Test func invalidGridsAreErrors() {
        #expect(throws: BenchError.invalidGrid("batch size must be positive, got 0")) {
            try BenchGrid(backends: Self.native, batchSizes: [8, 0], threads: [1])
        }
        #expect(throws: BenchError.invalidGrid("no batch size")) { try BenchGrid(backends: Self.native, batchSizes: [], threads: [1]) }
        #expect(throws: BenchError.invalidGrid("no backend to run")) { try BenchGrid(backends: [], threads: [1]) }
    }

    @Test func backendSelection() throws {
        // The tiny classifier's folder has weights but no ONNX file.
        let catalog = BenchBackends(directory: Fixtures.path("models/tiny-bert-cls"))
        #expect(try catalog.select(nil).map(\.name) == ["native-packed", "native-padded"])
        #expect(try catalog.select(["native"]).map(\.name) == ["native-packed", "native-padded"])
        #expect(try catalog.select(["native-padded", "native-padded"]).map(\.name) == ["native-padded"])
        #expect(throws: BenchError.self) { try catalog.select(["tensorflow"]) }
        for (name, reason) in [("onnxruntime", "no ONNX model found"), ("torchscript", "TorchScript")] {
            do {
                _ = try catalog.select([name])
                Issue.record("an unavailable backend was selected")
            } catch let error as BenchError {
                #expect("\(error)".contains("backend '\(name)' is not available: "), "\(error)")
                #expect("\(error)".contains(reason), "\(error)")
            }
        }
    }

    @Test func orderingsMapToBatchings() {
        #expect(Ordering.unsorted.batching(batchSize: 8, meanLength: 20) == .fixed(size: 8))
        #expect(Ordering.sorted.batching(batchSize: 8, meanLength: 20) == .sorted(size: 8))
        #expect(Ordering.tokens.batching(batchSize: 8, meanLength: 20.4) == .tokens(maxTokens: 163, maxSize: 32))
        #expect(Ordering.tokens.batching(batchSize: 1, meanLength: 0.2) == .tokens(maxTokens: 1, maxSize: 4))
    }
}

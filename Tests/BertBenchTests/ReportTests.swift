import Foundation
import TestSupport
import Testing

@testable import BertBench

/// Tables, charts, CSV, the JSON schema and comparisons, on results built by hand.
@Suite struct ReportTests {
    static func cell(_ backend: String, _ ordering: Ordering, _ batch: Int, length: Int? = nil, ms: [Double]) -> CellResult {
        CellResult(
            spec: CellSpec(backend: backend, threads: 2, ordering: ordering, batchSize: batch, length: length),
            sequences: 10, tokens: 100, paddedTokens: ordering == .unsorted ? 150 : 110, batches: 10 / batch,
            repeatsMs: ms, batchMs: ms, cellMs: ms.reduce(0, +) * 1.001, modelMs: ms.reduce(0, +))
    }

    static func results(_ cells: [CellResult], tool: String = "bertkit 0.1.0") throws -> BenchResults {
        let grid = try BenchGrid(
            backends: [.init(name: "native-packed"), .init(name: "native-padded")], batchSizes: [1, 8],
            orderings: [.unsorted, .sorted], threads: [2], lengths: [16, 32], lengthBatchSizes: [1])
        return BenchResults(
            tool: tool, createdAt: "2026-11-24T00:00:00Z", command: ["bertkit", "bench"], complete: true,
            machine: .current(), versions: ["bertkit": "0.1.0"],
            model: ModelSummary(path: "m", architecture: "bert", hiddenSize: 8, layers: 1, heads: 1, parameters: 10, task: "embed"),
            data: DataStatistics(
                path: "d.txt", sequences: 10, bytes: 100, fingerprint: "abc", tokens: 100, length: Summary([10]),
                truncated: 0, maxLength: 512, pairs: 0),
            settings: BenchSettings(grid: grid, repeats: 3, sweepSize: 10, limit: nil, baseline: "native-padded"),
            backends: BenchBackends(directory: Fixtures.path("models/tiny-bert-cls")).all, skippedLengths: [], tokenization: nil,
            cells: cells)
    }

    static let sample: [CellResult] = [
        cell("native-packed", .unsorted, 1, ms: [10, 11, 12]), cell("native-packed", .unsorted, 8, ms: [4, 4, 5]),
        cell("native-packed", .sorted, 1, ms: [10, 10, 10]), cell("native-packed", .sorted, 8, ms: [2, 2, 2]),
        cell("native-packed", .unsorted, 1, length: 16, ms: [5, 5, 5]), cell("native-packed", .unsorted, 1, length: 32, ms: [9, 9, 9]),
        cell("native-padded", .unsorted, 1, ms: [20, 20, 20]), cell("native-padded", .unsorted, 8, ms: [8, 8, 8]),
        cell("native-padded", .sorted, 1, ms: [20, 20, 20]), cell("native-padded", .sorted, 8, ms: [4, 4, 4]),
        cell("native-padded", .unsorted, 1, length: 16, ms: [6, 6, 6]), cell("native-padded", .unsorted, 1, length: 32, ms: [12, 12, 12]),
    ]

    @Test func schemaRoundTrips() throws {
        let results = try Self.results(Self.sample)
        let folder = NSTemporaryDirectory() + "bertkit-schema-\(UUID().uuidString)"
        try ReportWriter.writeResults(results, to: folder)
        #expect(try BenchResults.load(folder) == results)
        #expect(try BenchResults.load(folder + "/results.json") == results)
        // Errors name the file and the field.
        var object = try JSONSerialization.jsonObject(with: results.encoded()) as! [String: Any]
        var cells = object["cells"] as! [[String: Any]]
        cells[1].removeValue(forKey: "repeatsMs")
        object["cells"] = cells
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: folder + "/bad.json"))
        #expect(throws: BenchError.unreadableResults(path: folder + "/bad.json", reason: "missing field '.cells[1].repeatsMs'")) {
            try BenchResults.load(folder + "/bad.json")
        }
        object["schema"] = "other/9"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: folder + "/old.json"))
        #expect(throws: BenchError.self) { try BenchResults.load(folder + "/old.json") }
        #expect(throws: BenchError.unreadableResults(path: folder + "/none.json", reason: "no such file")) {
            try BenchResults.load(folder + "/none.json")
        }
    }

    @Test func tablesShowTheStudy() throws {
        let report = BenchReport(results: try Self.results(Self.sample))
        let titles = report.tables.map(\.title)
        #expect(
            titles == [
                "Milliseconds per sequence by backend and batch size (unsorted)",
                "Milliseconds per sequence by backend and batch size (sorted)",
                "Sorted vs unsorted batches", "Padding by ordering",
                "Milliseconds per sequence by sequence length", "Speedup against native-padded", "Backends",
            ])
        let batch = report.tables[0]
        #expect(batch.header == ["batch size", "native-packed", "native-padded"])
        #expect(batch.rows == [["1", "1.100 ±18%", "2.000 ±0%"], ["8", "0.400 ±25%", "0.800 ±0%"]])
        let ordering = report.tables[2]
        #expect(ordering.rows[1].contains("2.00x"))  // packed batch 8: 0.4 / 0.2
        #expect(report.tables[3].rows[0] == ["1", "50%", "10%"])
        let speedup = report.tables[5]
        #expect(speedup.header == ["cell", "native-packed"])
        #expect(speedup.rows.first == ["unsorted 1", "1.82x"])  // 2.0 / 1.1
        #expect(speedup.rows.last == ["length 32 batch 1", "1.33x"])
        #expect(report.tables[4].rows == [["16", "0.500 ±0%", "0.600 ±0%"], ["32", "0.900 ±0%", "1.200 ±0%"]])
        let md = ReportWriter.markdown(report)
        #expect(md.contains("| 8 | 0.400 ±25% | 0.800 ±0% |"))
        #expect(md.contains("![batch.svg](batch.svg)"))
    }

    @Test func chartsHaveALinePerSeries() throws {
        let report = BenchReport(results: try Self.results(Self.sample))
        #expect(report.charts.map(\.name) == ["batch.svg", "ordering.svg", "lengths.svg"])
        let svg = report.charts[1].chart.svg()
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 4)
        #expect(svg.contains("data-label=\"native-padded sorted\""))
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        // Every drawn point lies inside the plot area.
        let circles = svg.components(separatedBy: "<circle cx=\"").dropFirst().map { part -> (Double, Double) in
            let x = Double(part.prefix { $0 != "\"" })!
            let y = Double(part.components(separatedBy: "cy=\"")[1].prefix { $0 != "\"" })!
            return (x, y)
        }
        #expect(circles.count == 8)
        #expect(circles.allSatisfy { $0.0 >= 70 && $0.0 <= 560 && $0.1 >= 40 && $0.1 <= 385 })
    }

    @Test func logAxisTicksFallInsideAndFollowOneTwoFive() {
        let narrow = LineChart.Axis(min: 0.078, max: 0.2, log: true, from: 0, to: 100).ticks(preferring: [])
        #expect(narrow.count >= 3, "\(narrow)")
        #expect(narrow.contains(0.1) && narrow.contains(0.2))
        let wide = LineChart.Axis(min: 0.5, max: 300, log: true, from: 0, to: 100).ticks(preferring: [])
        #expect(wide == [0.5, 1, 2, 5, 10, 20, 50, 100, 200])
        let linear = LineChart.Axis(min: 0, max: 10, log: false, from: 0, to: 100).ticks(preferring: [])
        #expect(linear == [0, 2, 4, 6, 8, 10])
    }

    @Test func csvHasARowPerCell() throws {
        let csv = ReportWriter.csv(Self.sample)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 1 + Self.sample.count)
        #expect(
            lines[1]
                == "native-packed,fp32,2,unsorted,1,,10,100,150,10,1.1,1.1,1.19,1,1.2,0.181818,11,11.9,909.091,9090.91,0.000999001,10;11;12"
        )
        #expect(lines[5].hasPrefix("native-packed,fp32,2,unsorted,1,16,"))
    }

    @Test func comparisonFlagsChangesBeyondTheSpread() throws {
        let a = try Self.results([
            Self.cell("native-packed", .unsorted, 1, ms: [10, 11, 12]),
            Self.cell("native-packed", .unsorted, 8, ms: [4, 5, 6]),
            Self.cell("native-packed", .sorted, 8, ms: [4, 4, 4]),
        ])
        let b = try Self.results(
            [
                Self.cell("native-packed", .unsorted, 1, ms: [5, 6, 6]),
                Self.cell("native-packed", .unsorted, 8, ms: [5.5, 6.5, 7]),
                Self.cell("torch-eager", .unsorted, 8, ms: [9, 9, 9]),
            ], tool: "scripts/peers")
        let comparison = BenchComparison(a, b)
        #expect(comparison.changes.map(\.verdict) == [.faster, .unchanged])
        #expect(abs(comparison.changes[0].speedup - 11.0 / 6.0) < 1e-12)
        #expect(comparison.onlyA == ["native-packed/fp32/t2/sorted/b8/data"])
        #expect(comparison.onlyB == ["torch-eager/fp32/t2/unsorted/b8/data"])
        let text = comparison.markdown(nameA: "a", nameB: "b")
        #expect(text.contains("2 cells in both: 1 faster in B, 0 slower, 1 within the spread"))
        #expect(text.contains("| fp32/t2/unsorted/b8/data | 0.500 | 0.650 | 0.900 |"))
        let slower = BenchComparison(b, a)
        #expect(slower.changes.first?.verdict == .slower)
    }

    @Test func othersAppearBesideTheRun() throws {
        let peers = try Self.results(
            [
                Self.cell("torch-eager", .unsorted, 8, ms: [9, 9, 9]),
                Self.cell("native-packed", .unsorted, 8, ms: [1, 1, 1]),
            ], tool: "scripts/peers")
        let report = BenchReport(results: try Self.results(Self.sample), others: [peers])
        #expect(report.tables[0].header == ["batch size", "native-packed", "native-padded", "torch-eager"])
        #expect(report.tables[0].rows[1] == ["8", "0.400 ±25%", "0.800 ±0%", "0.900 ±0%"])  // the run's own cell wins
    }
}

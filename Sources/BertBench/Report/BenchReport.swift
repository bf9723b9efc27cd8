import BertKit
import Foundation

/// The study's tables and charts, made from one run's results and, beside them, the cells of other runs (peers
/// measured by `scripts/peers/`, or an earlier run) on the same conditions.
public struct BenchReport: Sendable {
    /// The run the report is about.
    public let results: BenchResults
    /// Every cell shown: the run's, then the others'.
    public let cells: [CellResult]
    /// Backend speedups are given against.
    public let baseline: String

    /// A report of `results`, with the cells of `others` beside them (cells of the same key: the run's win).
    public init(results: BenchResults, others: [BenchResults] = [], baseline: String? = nil) {
        self.results = results
        var seen = Set(results.cells.map(\.key))
        var cells = results.cells
        for other in others {
            for cell in other.cells where seen.insert(cell.key).inserted { cells.append(cell) }
        }
        self.cells = cells
        self.baseline = baseline ?? results.settings.baseline
    }

    /// A line of the charts and a column of the tables: one backend at one precision and thread count.
    struct Series: Hashable, Comparable {
        var backend: String, precision: String, threads: Int
        static func < (a: Series, b: Series) -> Bool { (a.backend, a.precision, a.threads) < (b.backend, b.precision, b.threads) }
    }

    var series: [Series] {
        var seen = Set<Series>(), list: [Series] = []
        for cell in cells {
            let s = Series(backend: cell.spec.backend, precision: cell.spec.precision, threads: cell.spec.threads)
            if seen.insert(s).inserted { list.append(s) }
        }
        return list
    }

    func label(_ s: Series) -> String {
        let all = series
        var label = s.backend
        if Set(all.map(\.precision)).count > 1 { label += " \(s.precision)" }
        if Set(all.map(\.threads)).count > 1 { label += " \(s.threads)t" }
        let weights = cells.first { $0.spec.backend == s.backend && $0.spec.precision == s.precision && $0.spec.threads == s.threads }?
            .weights
        if let weights { label += " (\(weights) file)" }
        return label
    }

    func cell(_ s: Series, _ ordering: Ordering, _ batch: Int, length: Int? = nil) -> CellResult? {
        cells.first {
            $0.spec.backend == s.backend && $0.spec.precision == s.precision && $0.spec.threads == s.threads
                && $0.spec.ordering == ordering && $0.spec.batchSize == batch && $0.spec.length == length
        }
    }

    var dataCells: [CellResult] { cells.filter { $0.spec.length == nil } }
    var sweepCells: [CellResult] { cells.filter { $0.spec.length != nil } }
    var batchSizes: [Int] { Array(Set(dataCells.map(\.spec.batchSize))).sorted() }
    var orderings: [Ordering] { Ordering.allCases.filter { o in dataCells.contains { $0.spec.ordering == o } } }
    var lengths: [Int] { Array(Set(sweepCells.compactMap(\.spec.length))).sorted() }
    var sweepBatchSizes: [Int] { Array(Set(sweepCells.map(\.spec.batchSize))).sorted() }

    /// "1.234 ±3%": the median milliseconds per sequence and the spread of the repeats.
    static func ms(_ cell: CellResult?) -> String {
        guard let cell else { return "–" }
        return String(format: "%.3f ±%.0f%%", cell.msPerSequence.median, cell.msPerSequence.spread * 100)
    }

    static func ratio(_ value: Double?) -> String { value.map { String(format: "%.2fx", $0) } ?? "–" }

    /// The ordering the batch-size table and chart use: unsorted, as in the study, when measured.
    var mainOrdering: Ordering? { orderings.first }

    // MARK: Tables

    /// Every table of the report, in order.
    public var tables: [ReportTable] {
        var tables: [ReportTable] = []
        for ordering in orderings { tables.append(batchTable(ordering)) }
        if orderings.count > 1 { tables.append(orderingTable()); tables.append(paddingTable()) }
        if !lengths.isEmpty { tables.append(lengthTable()) }
        if series.contains(where: { $0.backend == baseline }) && series.count > 1 { tables.append(speedupTable()) }
        if let accuracy = results.accuracy, !accuracy.isEmpty { tables.append(precisionTable(accuracy)) }
        tables.append(backendTable())
        return tables
    }

    func batchTable(_ ordering: Ordering) -> ReportTable {
        let columns = series
        return ReportTable(
            title: "Milliseconds per sequence by backend and batch size (\(ordering.rawValue))",
            caption:
                "Median over \(results.settings.repeats) passes over the data set; ± is the spread (max − min) / median of the passes. Lower is better.",
            header: ["batch size"] + columns.map(label),
            rows: batchSizes.map { b in ["\(b)"] + columns.map { Self.ms(cell($0, ordering, b)) } })
    }

    func orderingTable() -> ReportTable {
        var header = ["batch size"]
        let others = orderings.filter { $0 != .unsorted }
        for s in series {
            header += orderings.map { "\(label(s)) \($0.rawValue)" }
            if orderings.contains(.unsorted) { header += others.map { "\(label(s)) \($0.rawValue) speedup" } }
        }
        let rows = batchSizes.map { b -> [String] in
            var row = ["\(b)"]
            for s in series {
                row += orderings.map { Self.ms(cell(s, $0, b)) }
                if orderings.contains(.unsorted) {
                    let base = cell(s, .unsorted, b)?.msPerSequence.median
                    row += others.map { o in
                        Self.ratio(cell(s, o, b).flatMap { c in base.map { $0 / c.msPerSequence.median } })
                    }
                }
            }
            return row
        }
        return ReportTable(
            title: "Sorted vs unsorted batches",
            caption: "Milliseconds per sequence for each ordering; speedup is unsorted time / ordered time.",
            header: header, rows: rows)
    }

    func paddingTable() -> ReportTable {
        ReportTable(
            title: "Padding by ordering",
            caption:
                "Tokens a padded engine computes (batch size × longest, per batch) over the real tokens, minus one: the work that sorting saves.",
            header: ["batch size"] + orderings.map(\.rawValue),
            rows: batchSizes.map { b in
                ["\(b)"]
                    + orderings.map { o in
                        guard let c = dataCells.first(where: { $0.spec.ordering == o && $0.spec.batchSize == b }), c.tokens > 0 else {
                            return "–"
                        }
                        return String(format: "%.0f%%", (Double(c.paddedTokens) / Double(c.tokens) - 1) * 100)
                    }
            })
    }

    func lengthTable() -> ReportTable {
        var header = ["length"]
        for s in series { header += sweepBatchSizes.map { "\(label(s)) batch \($0)" } }
        return ReportTable(
            title: "Milliseconds per sequence by sequence length",
            caption: "\(results.settings.sweepSize) sequences of exactly that many tokens, made of the data set's own tokens.",
            header: header,
            rows: lengths.map { l in
                var row = ["\(l)"]
                for s in series { row += sweepBatchSizes.map { Self.ms(cell(s, .unsorted, $0, length: l)) } }
                return row
            })
    }

    func speedupTable() -> ReportTable {
        let others = series.filter { $0.backend != baseline }
        /// Baseline time over the series' time on one cell.
        func speedup(_ s: Series, _ ordering: Ordering, _ batch: Int, _ length: Int?) -> String {
            let base = Series(backend: baseline, precision: s.precision, threads: s.threads)
            guard let b = cell(base, ordering, batch, length: length), let c = cell(s, ordering, batch, length: length) else { return "–" }
            return Self.ratio(b.msPerSequence.median / c.msPerSequence.median)
        }
        var rows: [[String]] = []
        for ordering in orderings {
            for b in batchSizes { rows.append(["\(ordering.rawValue) \(b)"] + others.map { speedup($0, ordering, b, nil) }) }
        }
        for l in lengths {
            for b in sweepBatchSizes { rows.append(["length \(l) batch \(b)"] + others.map { speedup($0, .unsorted, b, l) }) }
        }
        return ReportTable(
            title: "Speedup against \(baseline)",
            caption: "\(baseline) time / backend time on the same cell, measured in the same run (above 1: faster).",
            header: ["cell"] + others.map(label), rows: rows)
    }

    /// What each precision buys (speed against fp32 on the same native cell) and costs (accuracy on the data).
    func precisionTable(_ accuracy: [PrecisionAccuracy]) -> ReportTable {
        let embeds = accuracy.first?.task != "classify"
        // The speed column: the native engine's first variant (packed), its sorted batch-32 cell (else the first cell of
        // the series) at each precision.
        let native = NativeBackendProvider().variants[0]
        func speed(_ precision: String) -> CellResult? {
            let candidates = results.cells.filter { $0.spec.backend == native && $0.spec.precision == precision && $0.spec.length == nil }
            return candidates.first { $0.spec.ordering == .sorted && $0.spec.batchSize == 32 } ?? candidates.first
        }
        let fp32 = speed("fp32")
        let quality =
            embeds
            ? ["cosine min", "cosine p1", "cosine mean", "top-1 neighbour agreement"]
            : ["argmax agreement", "max |Δ logit|", "mean |Δ logit|"]
        var rows: [[String]] = []
        if let fp32 {
            rows.append(["fp32", Self.ms(fp32), "1.00x"] + quality.map { _ in "reference" } + ["1.00x"])
        }
        for a in accuracy {
            let cell = speed(a.precision)
            let gain = cell.flatMap { c in fp32.map { $0.msPerSequence.median / c.msPerSequence.median } }
            let figures: [String] =
                embeds
                ? [a.cosineMin, a.cosineP1, a.cosineMean].map { $0.map { String(format: "%.5f", $0) } ?? "–" }
                    + [a.retrievalAgreement.map { String(format: "%.1f%%", $0 * 100) } ?? "–"]
                : [a.argmaxAgreement.map { String(format: "%.2f%%", $0 * 100) } ?? "–"]
                    + [a.logitMaxDrift, a.logitMeanDrift].map { $0.map { String(format: "%.4f", $0) } ?? "–" }
            let memory = a.fp32WeightBytes > 0 ? String(format: "%.2fx", Double(a.weightBytes) / Double(a.fp32WeightBytes)) : "–"
            rows.append([a.precision, Self.ms(cell), Self.ratio(gain)] + figures + [memory])
        }
        let where_ = fp32.map { "\($0.spec.ordering.rawValue) batch \($0.spec.batchSize)" } ?? "no fp32 cell"
        return ReportTable(
            title: "Precision: speed and accuracy against fp32",
            caption:
                "native-packed, \(where_); accuracy over all \(accuracy.first?.sequences ?? 0) inputs of the data, each precision against fp32 of the same engine"
                + (embeds
                    ? " (cosine of each sentence's embeddings; top-1 neighbour: the most similar other sentence of the data is the same)"
                    : "")
                + "; weights: packed weight matrices held, against fp32.",
            header: ["precision", "ms per sequence", "speed vs fp32"] + quality + ["weights"], rows: rows)
    }

    func backendTable() -> ReportTable {
        ReportTable(
            title: "Backends", caption: "Every backend of \(results.tool); unavailable ones with the reason.",
            header: ["backend", "available", "precisions", "note"],
            rows: results.backends.map {
                [$0.name, $0.available ? "yes" : "no", $0.precisions.joined(separator: ", "), $0.reason ?? ""]
            })
    }

    // MARK: Charts

    /// The charts, by file name (`batch.svg`, `ordering.svg`, `lengths.svg`).
    public var charts: [(name: String, chart: LineChart)] {
        var charts: [(String, LineChart)] = []
        let all = series
        if let ordering = mainOrdering {
            charts.append(
                (
                    "batch.svg",
                    LineChart(
                        title: "Milliseconds per sequence vs batch size (\(ordering.rawValue))", xLabel: "batch size (log scale)",
                        yLabel: "ms per sequence (log scale)",
                        series: all.enumerated().map { i, s in
                            LineChart.Series(
                                label: label(s),
                                points: batchSizes.compactMap { b in
                                    cell(s, ordering, b).map { (Double(b), $0.msPerSequence.median) }
                                }, color: i)
                        })
                ))
        }
        if orderings.count > 1 {
            var lines: [LineChart.Series] = []
            for (i, s) in all.enumerated() {
                for (d, o) in orderings.enumerated() {
                    lines.append(
                        LineChart.Series(
                            label: "\(label(s)) \(o.rawValue)",
                            points: batchSizes.compactMap { b in
                                cell(s, o, b).map { (Double(b), $0.msPerSequence.median) }
                            }, color: i, dash: d))
                }
            }
            charts.append(
                (
                    "ordering.svg",
                    LineChart(
                        title: "Sorted vs unsorted batches", xLabel: "batch size (log scale)",
                        yLabel: "ms per sequence (log scale)", series: lines)
                ))
        }
        if !lengths.isEmpty {
            var lines: [LineChart.Series] = []
            for (i, s) in all.enumerated() {
                for (d, b) in sweepBatchSizes.enumerated() {
                    lines.append(
                        LineChart.Series(
                            label: "\(label(s)) batch \(b)",
                            points: lengths.compactMap { l in
                                cell(s, .unsorted, b, length: l).map { (Double(l), $0.msPerSequence.median) }
                            }, color: i, dash: d))
                }
            }
            charts.append(
                (
                    "lengths.svg",
                    LineChart(
                        title: "Milliseconds per sequence vs sequence length",
                        xLabel: "tokens per sequence (log scale)",
                        yLabel: "ms per sequence (log scale)", series: lines)
                ))
        }
        return charts
    }

    // MARK: Summary

    /// Facts above the tables: model, data, machine, tokenization and the harness's overhead.
    public var summaryLines: [String] {
        let r = results, d = r.data, m = r.machine
        var lines = [
            "Model: `\(r.model.path)` (\(r.model.architecture), \(r.model.layers) layers, hidden \(r.model.hiddenSize), \(r.model.parameters) parameters; task: \(r.model.task))",
            String(
                format: "Data: `%@`, %d sequences, %d tokens; length median %.0f, p95 %.0f, max %.0f (model maximum %d; %d truncated)",
                d.path, d.sequences, d.tokens, d.length.median, d.length.p95, d.length.max, d.maxLength, d.truncated),
            "Machine: \(m.cpu.isEmpty ? m.architecture : m.cpu), \(m.cores) cores (\(m.cpuFlags.joined(separator: " "))), \(m.memoryBytes >> 30) GiB, \(m.os)",
            "Versions: " + r.versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
            "Run: \(r.createdAt), \(r.settings.repeats) timed passes per cell after a warm-up; \(r.cells.count) cells\(r.complete ? "" : " (interrupted: finish with --resume)")",
        ]
        if let t = r.tokenization {
            var line = String(
                format: "Tokenization (timed apart, %d threads): %.4f ms per sequence, %.0f tokens/s", t.threads,
                t.msPerSequence.median, t.tokensPerSecond)
            if let reference = r.cells.first(where: { $0.spec.length == nil && $0.spec.ordering == .sorted && $0.spec.batchSize == 32 })
                ?? r.cells.first(where: { $0.spec.length == nil })
            {
                line += String(
                    format: " — %.1f%% of the model time of %@", t.msPerSequence.median / reference.msPerSequence.median * 100,
                    reference.spec.description)
            }
            lines.append(line)
        }
        if let worst = r.cells.max(by: { $0.overhead < $1.overhead }) {
            lines.append(
                String(
                    format: "Harness overhead (cell time outside the model): at most %.2f%% (%@)", worst.overhead * 100,
                    worst.spec.description))
        }
        if !r.skippedLengths.isEmpty {
            lines.append(
                "Lengths left out of the sweep (above the model's maximum): " + r.skippedLengths.map(String.init).joined(separator: ", "))
        }
        return lines
    }
}

import Foundation

/// Two runs side by side: for each cell both measured, whether it got faster or slower beyond the spread of the
/// repeats (the ranges `[min, max]` of milliseconds per sequence do not overlap), and, for each condition, every
/// backend of either run.
public struct BenchComparison: Sendable {
    /// A cell measured in both runs.
    public struct Change: Sendable, Equatable {
        public var key: String
        /// Median milliseconds per sequence in A and B.
        public var before: Double
        public var after: Double
        /// `before / after`: above 1, B is faster.
        public var speedup: Double
        public var verdict: Verdict
    }

    /// What changed from A to B.
    public enum Verdict: String, Sendable {
        case faster, slower, unchanged
    }

    public let a: BenchResults
    public let b: BenchResults
    /// Cells of the same key in both runs, in A's order.
    public let changes: [Change]
    /// Keys measured in one run only.
    public let onlyA: [String]
    public let onlyB: [String]

    public init(_ a: BenchResults, _ b: BenchResults) {
        self.a = a
        self.b = b
        let bByKey = Dictionary(b.cells.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        changes = a.cells.compactMap { ca in
            guard let cb = bByKey[ca.key] else { return nil }
            let x = ca.msPerSequence, y = cb.msPerSequence
            let verdict: Verdict = y.max < x.min ? .faster : y.min > x.max ? .slower : .unchanged
            return Change(
                key: ca.key, before: x.median, after: y.median, speedup: y.median > 0 ? x.median / y.median : 0,
                verdict: verdict)
        }
        let aKeys = Set(a.cells.map(\.key)), bKeys = Set(b.cells.map(\.key))
        onlyA = a.cells.map(\.key).filter { !bKeys.contains($0) }
        onlyB = b.cells.map(\.key).filter { !aKeys.contains($0) }
    }

    /// The comparison as Markdown.
    public func markdown(nameA: String, nameB: String) -> String {
        var out = "# Comparison\n\n- A: `\(nameA)` (\(a.tool), \(a.createdAt))\n- B: `\(nameB)` (\(b.tool), \(b.createdAt))\n\n"
        if !changes.isEmpty {
            let counts = Dictionary(grouping: changes, by: \.verdict).mapValues(\.count)
            out +=
                "\(changes.count) cells in both: \(counts[.faster] ?? 0) faster in B, \(counts[.slower] ?? 0) slower, "
                + "\(counts[.unchanged] ?? 0) within the spread of the repeats.\n\n"
            out += "| cell | A ms/seq | B ms/seq | A / B | verdict |\n|---|---:|---:|---:|---|\n"
            for c in changes {
                out += String(format: "| %@ | %.3f | %.3f | %.2fx | %@ |\n", c.key, c.before, c.after, c.speedup, c.verdict.rawValue)
            }
            out += "\n"
        }
        let conditions = sideBySide()
        if !conditions.rows.isEmpty {
            out += "## Side by side\n\nMedian ms per sequence of every backend of either run on the same condition.\n\n"
            out += "| condition | " + conditions.columns.joined(separator: " | ") + " |\n"
            out += "|---|" + conditions.columns.map { _ in "---:" }.joined(separator: "|") + "|\n"
            for row in conditions.rows { out += "| " + row.joined(separator: " | ") + " |\n" }
            out += "\n"
        }
        if !onlyA.isEmpty { out += "Only in A: \(onlyA.count) cells. " }
        if !onlyB.isEmpty { out += "Only in B: \(onlyB.count) cells." }
        return out + "\n"
    }

    /// Rows: conditions measured by both runs (backend aside); columns: `A:backend` and `B:backend`.
    func sideBySide() -> (columns: [String], rows: [[String]]) {
        let aBackends = BenchGrid.unique(a.cells.map(\.spec.backend)), bBackends = BenchGrid.unique(b.cells.map(\.spec.backend))
        let columns = aBackends.map { "A:\($0)" } + bBackends.map { "B:\($0)" }
        let bConditions = Set(b.cells.map(\.spec.condition))
        let conditions = BenchGrid.unique(a.cells.map(\.spec.condition)).filter(bConditions.contains)
        let rows = conditions.map { condition -> [String] in
            func value(_ results: BenchResults, _ backend: String) -> String {
                results.cells.first { $0.spec.condition == condition && $0.spec.backend == backend }
                    .map { String(format: "%.3f", $0.msPerSequence.median) } ?? "–"
            }
            return [condition] + aBackends.map { value(a, $0) } + bBackends.map { value(b, $0) }
        }
        return (columns, rows)
    }
}

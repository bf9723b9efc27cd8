import Foundation

/// The tune report: what was chosen and why, the runner-up, the floors and targets, the candidates of the last rungs,
/// and charts (speed against accuracy; speed against latency) as Markdown, HTML and SVG beside `tune.json`.
public struct TuneReport: Sendable {
    public let results: TuneResults

    public init(results: TuneResults) { self.results = results }

    /// Writes tune.json, report.md, the charts and index.html to `folder`.
    public func write(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try ReportWriter.atomically(results.encoded(), to: folder + "/tune.json")
        for (name, chart) in charts { try ReportWriter.atomically(Data(chart.svg().utf8), to: folder + "/" + name) }
        try ReportWriter.atomically(Data(markdown().utf8), to: folder + "/report.md")
        try ReportWriter.atomically(Data(html().utf8), to: folder + "/index.html")
    }

    /// The best figures each candidate reached: its measurement at the highest rung.
    var lastFigures: [(trial: TuneTrial, figures: TuneFigures)] {
        var best: [String: (TuneTrial, TuneFigures)] = [:]
        for trial in results.trials {
            guard let figures = trial.figures else { continue }
            if let seen = best[trial.candidate.key], seen.0.rung >= trial.rung { continue }
            best[trial.candidate.key] = (trial, figures)
        }
        return best.values.sorted { $0.0.candidate < $1.0.candidate }.map { (trial: $0.0, figures: $0.1) }
    }

    func accuracy(of precision: String) -> Double {
        guard let entry = results.accuracy.first(where: { $0.precision == precision }) else { return 1 }
        return entry.cosineMin ?? entry.argmaxAgreement ?? 1
    }

    var accuracyLabel: String { results.model.task == "classify" ? "arg-max agreement with fp32" : "lowest cosine to fp32" }

    /// Speed against accuracy, and speed against p95 batch time, one series per precision (markers only).
    var charts: [(String, LineChart)] {
        let points = lastFigures
        let precisions = Array(Set(points.map(\.trial.candidate.precision))).sorted()
        func chart(_ title: String, _ xLabel: String, logX: Bool, x: (TuneTrial, TuneFigures) -> Double) -> LineChart {
            var c = LineChart(
                title: title, xLabel: xLabel, yLabel: "sequences/s (highest rung reached)",
                series: precisions.enumerated().map { i, precision in
                    LineChart.Series(
                        label: precision,
                        points: points.filter { $0.trial.candidate.precision == precision }.map {
                            (x: x($0.trial, $0.figures), y: $0.figures.sequencesPerSecond)
                        }, color: i)
                })
            c.connectPoints = false
            c.logX = logX
            c.logY = false
            return c
        }
        return [
            (
                "tune-accuracy.svg",
                chart("Candidates: speed against accuracy", accuracyLabel, logX: false) { trial, _ in
                    accuracy(of: trial.candidate.precision)
                }
            ),
            (
                "tune-latency.svg",
                chart("Candidates: speed against latency", "p95 batch time (ms)", logX: true) { _, figures in figures.p95BatchMs }
            ),
        ]
    }

    var summaryLines: [String] {
        let r = results
        var lines: [String] = []
        if let setup = r.setup, let chosen = r.chosen {
            lines.append(
                "Chosen: `\(chosen.candidate.description)` — \(String(format: "%.1f", setup.sequencesPerSecond)) sequences/s, p95 batch \(String(format: "%.2f", setup.p95BatchMs)) ms on \(chosen.figures?.sequences ?? 0) inputs × \(chosen.figures?.repeats ?? 0) passes (rung \(chosen.rung + 1) of \(r.rungs.count))"
            )
            if let served = setup.served {
                lines.append(
                    "Served over HTTP on this machine (the serve check: \(served.connections) connections, one input per request, \(String(format: "%.0f", served.seconds)) s): \(String(format: "%.1f", served.requestsPerSecond)) requests/s, p50 \(String(format: "%.1f", served.p50Ms)) ms, p99 \(String(format: "%.1f", served.p99Ms)) ms — what `bertkit serve --config tune.json` should give under such a load"
                )
            } else if let note = r.servedNote {
                lines.append("Serve check: \(note)")
            }
            lines.append("Use it: `--config tune.json` (this folder's) with `bertkit embed`, `classify`, `bench` or `serve`")
        } else {
            lines.append("Nothing chosen: no candidate was measured within the budget and targets")
        }
        if let runner = r.runnerUp, let figures = runner.figures {
            lines.append(
                "Runner-up: `\(runner.candidate.description)` — \(String(format: "%.1f", figures.sequencesPerSecond)) sequences/s, p95 \(String(format: "%.2f", figures.p95BatchMs)) ms"
            )
        }
        lines.append(
            "Objective: \(r.goal.objective.rawValue)" + (r.goal.p95Ms.map { String(format: ", p95 batch time ≤ %.2f ms", $0) } ?? "")
                + String(
                    format: "; floors: lowest cosine ≥ %.4f (embeddings), arg-max agreement ≥ %.4f (classifiers)", r.minCosine ?? 0,
                    r.minAgreement ?? 0))
        lines.append(
            "Searched \(r.candidates) candidates by successive halving (\(r.rungs.map { "\($0.sequences) inputs × \($0.repeats)" }.joined(separator: ", "))) in \(String(format: "%.0f", r.spentSeconds)) s of a \(String(format: "%.0f", r.budgetSeconds)) s budget"
                + (r.complete ? "" : " (stopped before the last rung)"))
        lines.append(
            "Machine: \(r.machine.cpu), \(r.machine.cores) cores; flags: \(r.machine.cpuFlags.joined(separator: " ")); kernels \(r.versions["kernels"] ?? "?")"
        )
        for note in r.accuracyNotes ?? [] { lines.append("Accuracy: \(note)") }
        lines.append(
            "Data: \(r.data.sequences) inputs of \(r.data.path), \(r.data.tokens) tokens (mean \(String(format: "%.1f", r.data.length.mean)))"
        )
        return lines
    }

    var tables: [ReportTable] {
        var tables: [ReportTable] = []
        if !results.accuracy.isEmpty {
            tables.append(
                ReportTable(
                    title: "Accuracy against fp32 on the sample",
                    caption: "A precision under a floor is dropped before any speed is measured.",
                    header: ["precision", "task", "lowest cosine", "mean cosine", "arg-max agreement", "kept"],
                    rows: results.accuracy.map { a in
                        let dropped = results.trials.contains { $0.rung == -1 && a.applies(to: $0.candidate) }
                        return [
                            a.backend.map { "\(a.precision) (\($0)'s file)" } ?? a.precision, a.task,
                            a.cosineMin.map { String(format: "%.5f", $0) } ?? "–", a.cosineMean.map { String(format: "%.5f", $0) } ?? "–",
                            a.argmaxAgreement.map { String(format: "%.4f", $0) } ?? "–", dropped ? "no" : "yes",
                        ]
                    }))
        }
        let rows = lastFigures.sorted { results.goal.score($0.figures) > results.goal.score($1.figures) }
        tables.append(
            ReportTable(
                title: "Candidates, best first", caption: "Each at the highest rung it reached; 'why not' says what stopped it.",
                header: ["candidate", "rung", "inputs × passes", "sequences/s", "median batch ms", "p95 batch ms", "why not"],
                rows: rows.map { entry in
                    let stop =
                        results.trials.filter { $0.candidate == entry.trial.candidate }.compactMap(\.dropped).last
                        ?? (entry.trial.candidate == results.chosen?.candidate ? "chosen" : "")
                    return [
                        entry.trial.candidate.description, "\(entry.trial.rung + 1)",
                        "\(entry.figures.sequences) × \(entry.figures.repeats)",
                        String(format: "%.1f", entry.figures.sequencesPerSecond), String(format: "%.2f", entry.figures.medianBatchMs),
                        String(format: "%.2f", entry.figures.p95BatchMs), stop,
                    ]
                }))
        let unmeasured = results.trials.filter { $0.figures == nil }
        if !unmeasured.isEmpty {
            tables.append(
                ReportTable(
                    title: "Not measured", caption: "Dropped before any timing, or left when the budget or a stop ended the search.",
                    header: ["candidate", "reason"], rows: unmeasured.map { [$0.candidate.description, $0.dropped ?? ""] }))
        }
        return tables
    }

    func markdown() -> String {
        var out = "# Tune: \(results.model.path)\n\n" + summaryLines.map { "- \($0)" }.joined(separator: "\n") + "\n\n"
        out += "Reproduce: `\(results.command.joined(separator: " "))`\n\n"
        for (name, _) in charts { out += "![\(name)](\(name))\n\n" }
        return out + tables.map { $0.markdown() }.joined()
    }

    func html() -> String {
        var out =
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>BertKit tune: \(escape(results.model.path))</title>\n"
        out +=
            "<style>body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; padding: 0 1em; } code { background: #f3f3f3; padding: 0 0.3em; } .charts { display: flex; flex-wrap: wrap; gap: 1em; } .charts figure { margin: 0; border: 1px solid #ddd; } table { border-collapse: collapse; font-size: 0.9em; } th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; } th:first-child, td:first-child { text-align: left; } thead { background: #f0f4f8; }</style>\n</head>\n<body>\n"
        out +=
            "<h1>BertKit tune: \(escape(results.model.path))</h1>\n<ul>\n"
            + summaryLines.map { "<li>\(ReportWriter.inlineCode($0))</li>\n" }.joined() + "</ul>\n"
        out += "<p>Reproduce: <code>\(escape(results.command.joined(separator: " ")))</code></p>\n<div class=\"charts\">\n"
        for (name, chart) in charts {
            out += "<figure id=\"\(name.replacingOccurrences(of: ".svg", with: ""))\">\n\(chart.svg())</figure>\n"
        }
        return out + "</div>\n" + tables.map { $0.html() }.joined() + "</body>\n</html>\n"
    }
}

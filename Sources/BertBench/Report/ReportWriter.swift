import Foundation

/// Writes a results folder: `results.json`, `results.csv`, `report.md`, the charts as SVG and `index.html` showing
/// report and charts together.
public enum ReportWriter {
    /// The raw results only (after each cell, so an interrupted run keeps what it measured).
    public static func writeResults(_ results: BenchResults, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try atomically(results.encoded(), to: folder + "/results.json")
        try atomically(Data(csv(results.cells).utf8), to: folder + "/results.csv")
    }

    /// The results, the Markdown report, the charts and the HTML page.
    public static func write(_ report: BenchReport, to folder: String) throws {
        try writeResults(report.results, to: folder)
        for (name, chart) in report.charts {
            try atomically(Data(chart.svg().utf8), to: folder + "/" + name)
        }
        try atomically(Data(markdown(report).utf8), to: folder + "/report.md")
        try atomically(Data(html(report).utf8), to: folder + "/index.html")
    }

    /// One row per cell, raw repeat times joined by `;`.
    public static func csv(_ cells: [CellResult]) -> String {
        var out =
            "backend,precision,threads,ordering,batch_size,length,sequences,tokens,padded_tokens,batches,"
            + "ms_per_seq_mean,ms_per_seq_median,ms_per_seq_p95,ms_per_seq_min,ms_per_seq_max,spread,"
            + "batch_ms_median,batch_ms_p95,sequences_per_s,tokens_per_s,overhead,repeats_ms\n"
        for c in cells {
            let s = c.spec, m = c.msPerSequence
            let fields: [String] = [
                s.backend, s.precision, "\(s.threads)", s.ordering.rawValue, "\(s.batchSize)", s.length.map(String.init) ?? "",
                "\(c.sequences)", "\(c.tokens)", "\(c.paddedTokens)", "\(c.batches)",
                num(m.mean), num(m.median), num(m.p95), num(m.min), num(m.max), num(m.spread),
                num(c.batchMs.median), num(c.batchMs.p95), num(c.sequencesPerSecond), num(c.tokensPerSecond), num(c.overhead),
                c.repeatsMs.map(num).joined(separator: ";"),
            ]
            out += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    public static func markdown(_ report: BenchReport) -> String {
        var out = "# Benchmark: \(report.results.model.path)\n\n"
        out += report.summaryLines.map { "- \($0)" }.joined(separator: "\n") + "\n\n"
        out += "Reproduce: `\(report.results.command.joined(separator: " "))`\n\n"
        for (name, _) in report.charts { out += "![\(name)](\(name))\n\n" }
        out += report.tables.map { $0.markdown() }.joined()
        return out
    }

    public static func html(_ report: BenchReport) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>BertKit benchmark: \(escape(report.results.model.path))</title>
            <style>
            body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; padding: 0 1em; }
            h1 { font-size: 1.6em; } h3 { margin-top: 2em; }
            ul.summary li { margin: 0.2em 0; }
            code { background: #f3f3f3; padding: 0 0.3em; }
            .charts { display: flex; flex-wrap: wrap; gap: 1em; }
            .charts figure { margin: 0; border: 1px solid #ddd; }
            table { border-collapse: collapse; font-size: 0.9em; }
            th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            thead { background: #f0f4f8; }
            section { overflow-x: auto; }
            </style>
            </head>
            <body>
            <h1>BertKit benchmark: \(escape(report.results.model.path))</h1>
            <ul class="summary">

            """
        for line in report.summaryLines { out += "<li>\(inlineCode(line))</li>\n" }
        out += "</ul>\n<p>Reproduce: <code>\(escape(report.results.command.joined(separator: " ")))</code></p>\n"
        out += "<div class=\"charts\">\n"
        for (name, chart) in report.charts {
            out += "<figure id=\"\(name.replacingOccurrences(of: ".svg", with: ""))\">\n\(chart.svg())</figure>\n"
        }
        out += "</div>\n"
        out += report.tables.map { $0.html() }.joined()
        return out + "</body>\n</html>\n"
    }

    /// Markdown's `code` spans as HTML.
    static func inlineCode(_ text: String) -> String {
        escape(text).split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset % 2 == 1 ? "<code>\($0.element)</code>" : String($0.element) }.joined()
    }

    static func num(_ value: Double) -> String { String(format: "%.6g", value) }

    static func csvField(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    static func atomically(_ data: Data, to path: String) throws {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

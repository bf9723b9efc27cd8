import BertKit
import Foundation
import Testing

@testable import BertBench

/// The HTML report as a user sees it: rendered by headless Chromium (Debian's `chromium`, installed by `make test`),
/// which runs a probe script in the page and hands back what it measured of the drawn charts.
@Suite struct BrowserTests {
    /// `$CHROMIUM`, else `chromium` or `chromium-browser` on the path.
    static var chromium: String? {
        if let path = ProcessInfo.processInfo.environment["CHROMIUM"] { return path }
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser"] {
            for dir in paths where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        }
        return nil
    }

    static let probe = """
        <script>
        const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
          const box = svg.getBoundingClientRect();
          const lines = [...svg.querySelectorAll('polyline')];
          const inside = [...svg.querySelectorAll('circle')].every(c => {
            const b = c.getBBox(); return b.x >= 0 && b.y >= 0 && b.x + b.width <= box.width && b.y + b.height <= box.height; });
          return { id: svg.parentElement.id, width: box.width, height: box.height, lines: lines.length,
                   drawn: lines.filter(l => l.getTotalLength() > 0 && l.getBBox().width > 0).length,
                   points: svg.querySelectorAll('circle').length, inside,
                   labels: [...svg.querySelectorAll('g.series')].map(g => g.dataset.label) };
        });
        const pre = document.createElement('pre');
        pre.id = 'probe';
        pre.textContent = JSON.stringify({ charts, tables: document.querySelectorAll('table').length,
                                           visibleTables: [...document.querySelectorAll('table')].filter(t => t.getBoundingClientRect().height > 0).length });
        document.body.appendChild(pre);
        </script>
        """

    struct Probe: Decodable {
        struct Chart: Decodable {
            var id: String, width: Double, height: Double, lines: Int, drawn: Int, points: Int, inside: Bool, labels: [String]
        }
        var charts: [Chart]
        var tables: Int
        var visibleTables: Int
    }

    @Test func chromiumDrawsEveryChart() throws {
        let browser = try #require(Self.chromium, "Chromium not found: install Debian's chromium package (make test does) or set CHROMIUM")
        let data = try BenchFixtures.dataFile(BenchFixtures.sentences)
        let out = try BenchFixtures.folder("browser")
        let results = try BenchSession(BenchFixtures.configuration(data: data, out: out)).run()  // the real native engine
        #expect(results.complete)

        let page = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        let probed = out + "/probe.html"
        try page.replacingOccurrences(of: "</body>", with: Self.probe + "</body>").write(toFile: probed, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=1280,2000",
            "--user-data-dir=\(out)/profile", "--dump-dom", "file://" + probed,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let dom = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let start = try #require(dom.range(of: "<pre id=\"probe\">"), "the probe did not run:\n\(dom.prefix(500))")
        let end = try #require(dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex))
        let json = String(dom[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        let probe = try JSONDecoder().decode(Probe.self, from: Data(json.utf8))
        #expect(probe.charts.map(\.id) == ["batch", "ordering", "lengths"])
        for chart in probe.charts {
            #expect(chart.width > 700 && chart.height > 400, "\(chart.id)")
            #expect(chart.lines > 0 && chart.drawn == chart.lines, "\(chart.id): \(chart.drawn) of \(chart.lines) lines drawn")
            #expect(chart.inside, "\(chart.id): a point outside the chart")
        }
        #expect(probe.charts[0].labels == ["native-packed", "native-padded"])
        #expect(probe.charts[0].points == 2 * 3)
        #expect(probe.charts[1].lines == 2 * 3)
        #expect(
            probe.charts[2].labels == ["native-packed batch 1", "native-packed batch 4", "native-padded batch 1", "native-padded batch 4"])
        #expect(probe.tables == BenchReport(results: results).tables.count && probe.visibleTables == probe.tables)
    }
}

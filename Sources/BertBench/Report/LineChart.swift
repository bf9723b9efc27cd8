import Foundation

/// A line chart rendered as standalone SVG: logarithmic or linear axes, ticks, grid, a legend, one polyline with
/// markers per series. Small on purpose: the report needs exactly this and nothing more.
public struct LineChart: Sendable {
    /// One line.
    public struct Series: Sendable {
        public var label: String
        /// Points in data units; non-positive values are dropped on a log axis.
        public var points: [(x: Double, y: Double)]
        /// Colour index (lines of one backend share it) and dash style index.
        public var color: Int
        public var dash: Int

        public init(label: String, points: [(x: Double, y: Double)], color: Int, dash: Int = 0) {
            self.label = label
            self.points = points
            self.color = color
            self.dash = dash
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var logX = true
    public var logY = true
    /// Draw each series as a line (false: markers only, a scatter plot).
    public var connectPoints = true
    public var width = 760.0
    public var height = 440.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
    static let dashes = ["", "7 4", "2 3", "10 3 2 3"]

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The SVG document.
    public func svg() -> String {
        let plot = (left: 70.0, top: 40.0, right: width - 200, bottom: height - 55)
        let visible = series.map { s in
            Series(
                label: s.label, points: s.points.filter { (!logX || $0.x > 0) && (!logY || $0.y > 0) && $0.y.isFinite },
                color: s.color, dash: s.dash)
        }.filter { !$0.points.isEmpty }
        let xs = visible.flatMap { $0.points.map(\.x) }, ys = visible.flatMap { $0.points.map(\.y) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(width / 2))" y="22" text-anchor="middle" font-size="15" font-weight="bold">\(escape(title))</text>

            """
        guard let xMin = xs.min(), let xMax = xs.max(), let yMin = ys.min(), let yMax = ys.max() else {
            return out + "<text x=\"\(f(width / 2))\" y=\"\(f(height / 2))\" text-anchor=\"middle\">no data</text>\n</svg>\n"
        }
        let xAxis = Axis(min: xMin, max: xMax, log: logX, from: plot.left, to: plot.right)
        let yAxis = Axis(min: yMin, max: yMax, log: logY, from: plot.bottom, to: plot.top)
        out += "<g class=\"grid\" stroke=\"#e3e3e3\">\n"
        for tick in xAxis.ticks(preferring: Array(Set(xs)).sorted()) {
            out += "<line x1=\"\(f(xAxis.map(tick)))\" y1=\"\(f(plot.top))\" x2=\"\(f(xAxis.map(tick)))\" y2=\"\(f(plot.bottom))\"/>\n"
        }
        let yTicks = yAxis.ticks(preferring: [])
        for tick in yTicks {
            out += "<line x1=\"\(f(plot.left))\" y1=\"\(f(yAxis.map(tick)))\" x2=\"\(f(plot.right))\" y2=\"\(f(yAxis.map(tick)))\"/>\n"
        }
        out += "</g>\n<g class=\"axes\" stroke=\"#333\">\n"
        out += "<line x1=\"\(f(plot.left))\" y1=\"\(f(plot.bottom))\" x2=\"\(f(plot.right))\" y2=\"\(f(plot.bottom))\"/>\n"
        out += "<line x1=\"\(f(plot.left))\" y1=\"\(f(plot.top))\" x2=\"\(f(plot.left))\" y2=\"\(f(plot.bottom))\"/>\n</g>\n"
        for tick in xAxis.ticks(preferring: Array(Set(xs)).sorted()) {
            out += "<text x=\"\(f(xAxis.map(tick)))\" y=\"\(f(plot.bottom + 18))\" text-anchor=\"middle\">\(label(tick))</text>\n"
        }
        for tick in yTicks {
            out += "<text x=\"\(f(plot.left - 8))\" y=\"\(f(yAxis.map(tick) + 4))\" text-anchor=\"end\">\(label(tick))</text>\n"
        }
        out += "<text x=\"\(f((plot.left + plot.right) / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        out +=
            "<text transform=\"translate(18 \(f((plot.top + plot.bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        for (i, s) in visible.enumerated() {
            let color = Self.palette[s.color % Self.palette.count]
            let dash = Self.dashes[s.dash % Self.dashes.count]
            let pixels = s.points.sorted { $0.x < $1.x }.map { (x: f(xAxis.map($0.x)), y: f(yAxis.map($0.y))) }
            out += "<g class=\"series\" data-label=\"\(escape(s.label))\">\n"
            if connectPoints {
                out +=
                    "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") points=\"\(pixels.map { "\($0.x),\($0.y)" }.joined(separator: " "))\"/>\n"
            }
            for p in pixels { out += "<circle cx=\"\(p.x)\" cy=\"\(p.y)\" r=\"3\" fill=\"\(color)\"/>\n" }
            out += "</g>\n"
            let ly = plot.top + 8 + Double(i) * 18
            out +=
                "<line x1=\"\(f(plot.right + 14))\" y1=\"\(f(ly))\" x2=\"\(f(plot.right + 40))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n"
            out += "<text x=\"\(f(plot.right + 46))\" y=\"\(f(ly + 4))\">\(escape(s.label))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// One axis: data range to pixel range, linear or logarithmic, with a little margin.
    struct Axis {
        let lo: Double, hi: Double, log: Bool, from: Double, to: Double

        init(min: Double, max: Double, log: Bool, from: Double, to: Double) {
            self.log = log
            self.from = from
            self.to = to
            var a = log ? Foundation.log10(min) : min, b = log ? Foundation.log10(max) : max
            if b - a < 1e-9 { a -= log ? 0.5 : Swift.max(abs(a) * 0.1, 1); b += log ? 0.5 : Swift.max(abs(b) * 0.1, 1) }
            let pad = (b - a) * 0.06
            lo = log || min - pad > 0 || min < 0 ? a - pad : 0
            hi = b + pad
        }

        func map(_ value: Double) -> Double {
            let v = log ? Foundation.log10(value) : value
            return from + (v - lo) / (hi - lo) * (to - from)
        }

        /// `preferring` when it fits in the range (the data's own x values), else 1-2-5 steps.
        func ticks(preferring: [Double]) -> [Double] {
            let inRange = { (t: Double) in
                let v = log ? Foundation.log10(t) : t; return v >= lo - 1e-9 && v <= hi + 1e-9
            }
            if !preferring.isEmpty && preferring.count <= 12 { return preferring.filter(inRange) }
            if log {
                // 1-2-5 per decade; every digit when the range is too narrow for three of those.
                for multipliers in [[1.0, 2.0, 5.0], Array(stride(from: 1.0, through: 9.0, by: 1.0))] {
                    var ticks: [Double] = []
                    for exponent in Int(lo.rounded(.down))...Int(hi.rounded(.up)) {
                        for m in multipliers {
                            let t = (m * pow(10, Double(exponent)) * 1e6).rounded() / 1e6
                            if inRange(t) { ticks.append(t) }
                        }
                    }
                    if ticks.count >= 3 { return ticks }
                }
                return [pow(10, lo), pow(10, hi)]
            }
            let raw = (hi - lo) / 6, magnitude = pow(10, (Foundation.log10(raw)).rounded(.down))
            let step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? raw
            return stride(from: (lo / step).rounded(.up) * step, through: hi, by: step).map { $0 }
        }
    }

    func f(_ value: Double) -> String { String(format: "%.1f", value) }

    func label(_ value: Double) -> String {
        if value >= 1, value == value.rounded() { return String(Int(value)) }
        return String(format: value >= 0.1 ? "%.1f" : "%.2g", value)
    }
}

/// Escapes text for XML and HTML.
func escape(_ text: String) -> String {
    var out = ""
    for c in text {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}

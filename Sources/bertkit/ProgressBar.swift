import BertBench
import Foundation

/// A one-line progress bar on standard error: cell i of n, elapsed time and an estimate of the time left.
struct ProgressBar {
    /// Off with `--quiet` or when standard error is not a terminal.
    let enabled: Bool

    func update(_ progress: BenchRunner.Progress) {
        let left = progress.remaining.map { "~" + Self.clock($0) } ?? "…"
        show(
            fraction: progress.fraction,
            "cell \(progress.cellIndex)/\(progress.cellCount) \(progress.cell)  \(Self.clock(progress.elapsed)) elapsed, \(left) left")
    }

    /// The bar at `fraction` (0...1) followed by `text`, over the previous line.
    func show(fraction: Double, _ text: String) {
        guard enabled else { return }
        let width = 24
        let filled = max(0, min(width, Int(fraction * Double(width))))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\u{1B}[K[\(bar)] \(text)".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// `1h02m`, `3m05s`, `12s`.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, s % 3600 / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}

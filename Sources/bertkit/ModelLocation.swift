import BertHub
import BertModelIO
import Foundation
import Synchronization

/// `--model` and `MODEL_ID`: a folder as given, else a Hub model name (`ORG/NAME[@REVISION]`) resolved through the
/// Hugging Face cache, with the files BertKit reads downloaded into it when missing (`Hub.snapshot`: `HF_ENDPOINT`,
/// `HF_TOKEN`, `HF_HUB_CACHE`/`HF_HOME`, `HF_HUB_OFFLINE` as `huggingface_hub` reads them). A path that exists, or that
/// starts with `/`, `.` or `~`, is always a folder.
enum ModelLocation {
    /// The folder to load for `argument`, and the Hub name it came from (nil for a folder).
    static func resolve(_ argument: String) throws -> (folder: String, name: HubModelName?) {
        if FileManager.default.fileExists(atPath: argument) || argument.hasPrefix("/") || argument.hasPrefix(".")
            || argument.hasPrefix("~")
        {
            return (argument, nil)
        }
        guard let name = try? HubModelName(parsing: argument) else { return (argument, nil) }
        var configured = Hub()
        let progress = DownloadProgress()
        configured.progress = { progress.update($0) }
        let hub = configured
        defer { progress.finish() }
        do {
            return (try blocking { try await hub.snapshot(name) }, name)
        } catch let error as HubError {
            throw CLIError("\(argument) is no folder; as a Hub model: \(error)")
        }
    }

    /// The folder to load for `argument`.
    static func folder(_ argument: String) throws -> String { try resolve(argument).folder }
}

/// Downloads on standard error: a bar per file on a terminal (redrawn at most ten times a second), else one line per
/// file downloaded.
final class DownloadProgress: Sendable {
    private let bar = ProgressBar(enabled: isatty(2) != 0)
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    func update(_ progress: HubProgress) {
        let size = progress.total.map { Self.megabytes($0) } ?? "?"
        if progress.finished {
            if bar.enabled {
                bar.finish()
            }
            FileHandle.standardError.write(Data("downloaded \(progress.model) \(progress.file) (\(size))\n".utf8))
            return
        }
        guard bar.enabled else { return }
        let now = ContinuousClock.now
        let draw = lastDraw.withLock { last -> Bool in
            if let last, now - last < .milliseconds(100) { return false }
            last = now
            return true
        }
        guard draw else { return }
        let fraction = progress.total.map { $0 > 0 ? Double(progress.bytes) / Double($0) : 1 } ?? 0
        bar.show(fraction: fraction, "\(progress.file)  \(Self.megabytes(progress.bytes)) of \(size)")
    }

    func finish() { bar.finish() }

    static func megabytes(_ bytes: Int) -> String {
        bytes < 1 << 20 ? "\(bytes) B" : String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}

import BertKit
import Foundation

/// Everything `bertkit tune` did, as written to `tune.json`: the chosen setup (what `--config` reads), the runner-up,
/// every candidate with its figures or the reason it was dropped, the accuracy of each precision, the machine.
public struct TuneResults: Codable, Sendable, Equatable {
    public var schema: String = TuneResults.currentSchema
    /// The tool (`bertkit 0.1.0`).
    public var tool: String
    /// When the run started, ISO 8601.
    public var createdAt: String
    /// The command line.
    public var command: [String]
    /// False when stopped or when the budget ran out before the last rung.
    public var complete: Bool
    public var machine: MachineInfo
    public var versions: [String: String]
    public var model: ModelSummary
    /// The tuning sample.
    public var data: DataStatistics
    public var goal: TuneGoal
    /// Accuracy floors against fp32 on the sample.
    public var minCosine: Double?
    public var minAgreement: Double?
    /// Seconds the search could spend, and spent (accuracy checks, measurements and the serve check).
    public var budgetSeconds: Double
    public var spentSeconds: Double
    public var rungs: [TuneSearch.Rung]
    /// How many candidates the space held.
    public var candidates: Int
    /// What `embed`, `classify`, `bench` and `serve` take with `--config`: the best of the last rung.
    public var setup: TunedSetup?
    /// Why the setup has no served figure (the serve check failed, was stopped, or had no budget), if so.
    public var servedNote: String?
    public var chosen: TuneTrial?
    public var runnerUp: TuneTrial?
    /// Each reduced precision against fp32 on the sample (the native engine's, and a graph backend's file that
    /// computes in one).
    public var accuracy: [PrecisionAccuracy]
    /// Reduced-precision files whose accuracy could not be checked, and why.
    public var accuracyNotes: [String]?
    /// Every candidate at every rung it reached.
    public var trials: [TuneTrial]

    public static let currentSchema = "bertkit-tune/1"

    /// The JSON text, pretty-printed with sorted keys.
    public func encoded() throws -> Data { try ResultsFile.encode(self) }

    /// Reads a `tune.json` (or the one in a folder).
    public static func load(_ path: String) throws -> TuneResults {
        let (results, file) = try ResultsFile.read(TuneResults.self, path, name: "tune.json")
        guard results.schema == currentSchema else {
            throw BenchError.unreadableResults(path: file, reason: "schema '\(results.schema)', expected '\(currentSchema)'")
        }
        return results
    }
}

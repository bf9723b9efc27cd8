/// Errors of the benchmark harness; each names the file, flag or value at fault.
public enum BenchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The grid has no cell to run or a bad value.
    case invalidGrid(String)
    /// The data file holds no input.
    case emptyData(path: String)
    /// A backend that this build or machine cannot run, with the reason.
    case backendUnavailable(name: String, reason: String)
    /// A backend name no build knows.
    case unknownBackend(String, known: [String])
    /// A results file that cannot be read.
    case unreadableResults(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidGrid(message): return "invalid benchmark grid: \(message)"
        case let .emptyData(path): return "\(path) holds no input lines; the benchmark needs at least one"
        case let .backendUnavailable(name, reason): return "backend '\(name)' is not available: \(reason)"
        case let .unknownBackend(name, known): return "unknown backend '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .unreadableResults(path, reason): return "cannot read benchmark results \(path): \(reason)"
        }
    }
}

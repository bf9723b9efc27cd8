import Dispatch
import Foundation
import Synchronization

/// Ctrl-C as a request: the first SIGINT sets a flag that the benchmark checks between batches, so it stops cleanly
/// and keeps what it finished; a second one exits at once.
final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Dispatch sources are thread-safe; kept only so the handler stays installed.
    nonisolated(unsafe) private var source: (any DispatchSourceSignal)?

    /// Whether Ctrl-C was pressed.
    var requested: Bool { flag.load(ordering: .relaxed) }

    /// Starts listening for SIGINT (call once, before the run).
    func install() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [self] in
            if flag.exchange(true, ordering: .relaxed) { exit(130) }
            FileHandle.standardError.write(Data("\nbertkit: stopping after the current batch (Ctrl-C again to quit now)\n".utf8))
        }
        source.resume()
        self.source = source
    }
}

import Foundation

extension Thread {
    /// Names the calling thread `name` (15 bytes at most, Linux's limit: a longer name is dropped there), as debuggers,
    /// `top -H` and `Thread.current.name` show it. Foundation on Linux drops a name given before `start`, and one given
    /// from the new thread before `start` has returned in the thread that started it, so this retries until it holds
    /// (for a millisecond or so at worst).
    package static func nameCurrent(_ name: String) {
        for _ in 0..<1000 where current.name != name {
            current.name = name
            if current.name != name { sleep(forTimeInterval: 0.000_01) }
        }
    }
}

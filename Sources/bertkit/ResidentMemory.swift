import Foundation

/// This process's resident memory from /proc/self/status (Linux): anonymous pages (copies we made) and
/// file-backed pages (the mapped weights, shared with the page cache).
struct ResidentMemory {
    var total: Int?
    var anonymous: Int?
    var file: Int?

    static func current() -> ResidentMemory {
        let fields = statusFields(["VmRSS", "RssAnon", "RssFile"])
        return ResidentMemory(total: fields[0], anonymous: fields[1], file: fields[2])
    }

    /// The process's peak resident set so far (VmHWM), in kilobytes.
    static var peakKilobytes: Int? { statusFields(["VmHWM"])[0] }

    /// The kilobyte values of `names` in /proc/self/status (nil where absent, or off Linux).
    private static func statusFields(_ names: [String]) -> [Int?] {
        let lines = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8))?.split(separator: "\n") ?? []
        return names.map { name in
            guard let line = lines.first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
    }

    var json: String {
        func value(_ v: Int?) -> String { v.map(String.init) ?? "null" }
        return "{\"total\":\(value(total)),\"anonymous\":\(value(anonymous)),\"file\":\(value(file))}"
    }
}

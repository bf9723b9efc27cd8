import Foundation

/// This process's resident memory from /proc/self/status (Linux): anonymous pages (copies we made) and
/// file-backed pages (the mapped weights, shared with the page cache).
struct ResidentMemory {
    var total: Int?
    var anonymous: Int?
    var file: Int?

    static func current() -> ResidentMemory {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return ResidentMemory() }
        func field(_ name: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return ResidentMemory(total: field("VmRSS"), anonymous: field("RssAnon"), file: field("RssFile"))
    }

    /// The process's peak resident set so far (VmHWM), in kilobytes.
    static var peakKilobytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    var json: String {
        func value(_ v: Int?) -> String { v.map(String.init) ?? "null" }
        return "{\"total\":\(value(total)),\"anonymous\":\(value(anonymous)),\"file\":\(value(file))}"
    }
}

import Foundation

/// The machine a run measured, read from `/proc` and `uname` (fields stay empty where the system lacks them).
public struct MachineInfo: Codable, Sendable, Equatable {
    public var hostname: String
    /// `PRETTY_NAME` of `/etc/os-release`, else the kernel name.
    public var os: String
    public var kernel: String
    public var architecture: String
    /// CPU model name.
    public var cpu: String
    /// The SIMD features that matter to the kernels (sse4_2, avx, avx2, fma, avx512*, amx*, neon, ...).
    public var cpuFlags: [String]
    /// Logical cores available to the process.
    public var cores: Int
    /// Physical memory in bytes.
    public var memoryBytes: UInt64

    /// Flags worth recording: the vector extensions.
    static let interesting: Set<String> = [
        "sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw",
        "avx512vl", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile",
        "amx_bf16", "amx_int8", "asimd", "asimdhp", "sve", "sve2", "i8mm", "bf16",
    ]

    /// Reads the current machine.
    public static func current() -> MachineInfo {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        var model = "", flags: [String] = []
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if model.isEmpty && (parts[0] == "model name" || parts[0] == "Model") { model = parts[1] }
            if flags.isEmpty && (parts[0] == "flags" || parts[0] == "Features") {
                flags = parts[1].split(separator: " ").map(String.init).filter(interesting.contains).sorted()
            }
        }
        let osRelease = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let pretty = osRelease.split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { $0.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        return MachineInfo(
            hostname: ProcessInfo.processInfo.hostName, os: pretty ?? field(name.sysname),
            kernel: field(name.release), architecture: field(name.machine), cpu: model, cpuFlags: flags,
            cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryBytes: ProcessInfo.processInfo.physicalMemory)
    }
}

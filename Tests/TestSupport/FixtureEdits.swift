import Foundation

/// Altered copies of fixture model folders, for tests that check a wrong variant fails a reference.
extension Fixtures {
    /// A fresh copy of `Tests/Fixtures/models/<name>`.
    public static func copyOfModel(_ name: String) throws -> URL {
        let folder = try temporaryDirectory()
        let source = path("models/\(name)")
        for file in try FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(atPath: source + "/" + file, toPath: folder.appendingPathComponent(file).path)
        }
        return folder
    }

    /// Rewrites `folder/config.json` through `change`.
    public static func editConfig(_ folder: URL, _ change: (inout [String: Any]) -> Void) throws {
        let url = folder.appendingPathComponent("config.json")
        guard var config = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        change(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: url)
    }

    /// Swaps the two halves of tensor `name`'s bytes in the safetensors file at `file` (the two stacked halves of a
    /// gated feed-forward's weight: the other one activated).
    public static func swapHalves(_ name: String, in file: String) throws {
        try editTensor(name, in: file) { bytes in
            let half = bytes.count / 2
            bytes = bytes.suffix(half) + bytes.prefix(half)
        }
    }

    /// Exchanges the bytes of tensors `a` and `b` (same size) in the safetensors file at `file` (a gated
    /// feed-forward's halves as two tensors: the other one activated).
    public static func swapTensors(_ a: String, _ b: String, in file: String) throws {
        var first = Data(), second = Data()
        try editTensor(a, in: file) { first = $0 }
        try editTensor(b, in: file) { second = $0; $0 = first }
        try editTensor(a, in: file) { $0 = second }
    }

    /// Sets every byte of tensor `name` in the safetensors file at `file` to zero (0.0 in every float format).
    public static func zeroTensor(_ name: String, in file: String) throws {
        try editTensor(name, in: file) { bytes in bytes = Data(count: bytes.count) }
    }

    /// Rewrites the bytes of tensor `name` in the safetensors file at `file` through `change` (same length).
    static func editTensor(_ name: String, in file: String, _ change: (inout Data) -> Void) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: file))
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any]
        guard let entry = header?[name] as? [String: Any], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "\(file) has no tensor \(name)"])
        }
        let start = 8 + headerLength + offsets[0], end = 8 + headerLength + offsets[1]
        var bytes = data.subdata(in: start..<end)
        change(&bytes)
        data.replaceSubrange(start..<end, with: bytes)
        try data.write(to: URL(fileURLWithPath: file))
    }
}

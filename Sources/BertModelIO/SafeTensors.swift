import Foundation

/// A `.safetensors` file, memory-mapped. The header is validated once: every tensor's offsets must lie
/// inside the data section, match its shape and dtype, and not overlap another tensor.
/// https://github.com/huggingface/safetensors#format
public struct SafeTensorsFile: Sendable {
    /// One header entry.
    public struct Entry: Sendable {
        /// The dtype as written in the header (`F32`, `I64`, ...).
        public let dtypeName: String
        /// Shape, outermost first.
        public let shape: [Int]
        /// Byte range inside the data section.
        public let range: Range<Int>
    }

    /// The mapping.
    public let file: MappedFile
    /// Tensors by name.
    public let entries: [String: Entry]
    /// `__metadata__`, if any.
    public let metadata: [String: String]
    private let dataStart: Int

    /// Maps and validates `path`.
    public init(path: String) throws {
        let file = try MappedFile(path: path)
        self.file = file
        func corrupt(_ reason: String) -> ModelIOError { .corruptSafetensors(path: path, reason: reason) }
        guard file.count >= 8 else { throw corrupt("file is \(file.count) bytes, shorter than the 8-byte header length") }
        let headerLength = file.base.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength > 0, headerLength <= UInt64(file.count - 8) else {
            throw corrupt("header length \(headerLength) does not fit in a file of \(file.count) bytes")
        }
        let headerBytes = Data(bytes: file.base + 8, count: Int(headerLength))
        guard let header = (try? JSONSerialization.jsonObject(with: headerBytes)) as? [String: Any] else {
            throw corrupt("header is not a JSON object")
        }
        dataStart = 8 + Int(headerLength)
        let dataSize = file.count - dataStart
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                for (k, v) in value as? [String: Any] ?? [:] { metadata[k] = v as? String ?? "\(v)" }
                continue
            }
            guard let fields = value as? [String: Any],
                let dtype = fields["dtype"] as? String,
                let shapeValues = fields["shape"] as? [Any],
                let offsetValues = fields["data_offsets"] as? [Any], offsetValues.count == 2
            else {
                throw corrupt("tensor '\(name)': header entry needs dtype, shape and two data_offsets")
            }
            let shape = try shapeValues.map { v -> Int in
                guard let n = (v as? NSNumber)?.intValue, n >= 0 else { throw corrupt("tensor '\(name)': bad shape \(shapeValues)") }
                return n
            }
            let offsets = try offsetValues.map { v -> Int in
                guard let n = (v as? NSNumber)?.intValue, n >= 0 else { throw corrupt("tensor '\(name)': bad data_offsets") }
                return n
            }
            guard offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                throw corrupt("tensor '\(name)': data_offsets \(offsets) outside the data section of \(dataSize) bytes")
            }
            var elements = 1
            for dim in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw corrupt("tensor '\(name)': shape \(shape) overflows") }
                elements = product
            }
            if let size = Self.elementSize(dtype) {
                let (bytes, overflow) = elements.multipliedReportingOverflow(by: size)
                guard !overflow, offsets[1] - offsets[0] == bytes else {
                    throw corrupt(
                        "tensor '\(name)': shape \(shape) of \(dtype) needs "
                            + (overflow ? "more bytes than a file can hold" : "\(bytes) bytes")
                            + ", data_offsets give \(offsets[1] - offsets[0])")
                }
            }
            entries[name] = Entry(dtypeName: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        let sorted = entries.sorted { $0.value.range.lowerBound < $1.value.range.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.value.range.upperBound > b.value.range.lowerBound {
            throw corrupt("tensors '\(a.key)' and '\(b.key)' overlap")
        }
        self.entries = entries
        self.metadata = metadata
    }

    /// Element size of a safetensors dtype name, nil if unknown.
    static func elementSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64", "U64": return 8
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2": return 1
        default: return nil
        }
    }

    /// The view of tensor `name`; throws if absent or of a dtype the engine does not read.
    public func tensor(_ name: String) throws -> TensorView {
        guard let entry = entries[name] else { throw ModelIOError.missingTensor(name, path: file.path) }
        guard let dtype = DType(rawValue: entry.dtypeName) else {
            throw ModelIOError.unsupportedDType(tensor: name, dtype: entry.dtypeName, path: file.path)
        }
        return TensorView(
            name: name, dtype: dtype, shape: entry.shape, data: file.base + dataStart + entry.range.lowerBound,
            owner: file)
    }
}

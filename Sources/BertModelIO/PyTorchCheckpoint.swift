/// A PyTorch `state_dict` saved by `torch.save` (`pytorch_model.bin`, `.pt`): a zip archive with `data.pkl` and
/// one member per storage (`data/0`, `data/1`, ...). The pickle is read by BertKit's own allow-listed
/// `Unpickler`, never by executing it; tensors point into the mapped archive (storages are stored uncompressed).
public struct PyTorchCheckpoint: TensorSource {
    /// One tensor: its dtype name (safetensors spelling), shape and bytes in the mapping.
    struct Entry: Sendable {
        let dtypeName: String
        let shape: [Int]
        let range: Range<Int>
    }

    /// The mapping.
    public let mapping: MappedFile
    let entries: [String: Entry]

    /// Storage type → (safetensors dtype name, element size).
    static let storageDTypes: [String: (String, Int)] = [
        "FloatStorage": ("F32", 4), "HalfStorage": ("F16", 2), "BFloat16Storage": ("BF16", 2), "DoubleStorage": ("F64", 8),
        "LongStorage": ("I64", 8), "IntStorage": ("I32", 4), "ShortStorage": ("I16", 2), "CharStorage": ("I8", 1),
        "ByteStorage": ("U8", 1), "BoolStorage": ("BOOL", 1),
    ]

    /// Maps `path` and reads its tensor table.
    public init(path: String) throws {
        let file = try MappedFile(path: path)
        mapping = file
        func corrupt(_ reason: String) -> ModelIOError { .corruptCheckpoint(path: path, reason: reason) }
        // The legacy (pre-1.6) format is a bare pickle stream starting with PROTO 2 and a magic number.
        if file.count >= 2, file.base.load(as: UInt8.self) == 0x80 {
            throw ModelIOError.unreadable(
                path: path,
                reason: "this is PyTorch's legacy (pre-1.6) serialization, which BertKit does not read; convert it with "
                    + "`python -c \"import torch; torch.save(torch.load('\(path)'), 'converted.bin')\"` (or to model.safetensors)")
        }
        let archive = try ZipArchive(file)
        guard let pickleName = archive.members.keys.filter({ $0.hasSuffix("data.pkl") }).min(by: { $0.count < $1.count }),
            let pickleRange = archive.members[pickleName]
        else {
            throw corrupt("no data.pkl in the archive; is this a torch.save file?")
        }
        let root = String(pickleName.dropLast("data.pkl".count))
        var unpickler = Unpickler(UnsafeRawBufferPointer(start: file.base + pickleRange.lowerBound, count: pickleRange.count), path: path)
        let value = try unpickler.load { id in
            guard case .tuple(let fields) = id, fields.count >= 4, case .string("storage") = fields[0],
                case .global("torch", let type) = fields[1], case .string(let key) = fields[2]
            else {
                throw corrupt("data.pkl: persistent id is not a ('storage', type, key, location, size) tuple")
            }
            var elements: Int?
            if fields.count >= 5, case .int(let n) = fields[4] { elements = n }
            return .storage(type: type, key: key, elements: elements)
        }
        guard case .dict(let pairs) = value else { throw corrupt("data.pkl does not hold a dict of tensors (a state_dict)") }
        var entries: [String: Entry] = [:]
        for (keyValue, tensorValue) in pairs {
            guard case .string(let name) = keyValue else { throw corrupt("data.pkl: a state_dict key is not a string") }
            guard case .tensor(let record) = tensorValue else { throw corrupt("data.pkl: '\(name)' is not a tensor") }
            guard let (dtype, size) = Self.storageDTypes[record.storageType] else {
                throw ModelIOError.unsupportedDType(tensor: name, dtype: record.storageType, path: path)
            }
            guard let storage = archive.members[root + "data/" + record.storageKey] else {
                throw corrupt("tensor '\(name)': storage data/\(record.storageKey) is missing from the archive")
            }
            // Sizes, offsets and dimensions come from the pickle: each is bounded by the storage's real size before
            // any product, so no arithmetic can overflow.
            let capacity = storage.count / size
            if let elements = record.storageElements, elements < 0 || elements > capacity || elements * size != storage.count {
                let need = elements >= 0 && elements <= Int.max / size ? "\(elements * size)" : "more than a file can hold"
                throw corrupt(
                    "tensor '\(name)': storage data/\(record.storageKey) has \(storage.count) bytes, "
                        + "\(elements) \(dtype) elements need \(need)")
            }
            guard record.shape.count == record.stride.count else { throw corrupt("tensor '\(name)': size and stride differ in rank") }
            // Row-major strides (dimensions of size 1 may carry any stride): the tensor is one contiguous run.
            func pastStorage() -> ModelIOError {
                corrupt("tensor '\(name)': \(record.shape) at offset \(record.offset) runs past its storage of \(capacity) elements")
            }
            var expected = 1
            for (dim, stride) in zip(record.shape, record.stride).reversed() {
                guard dim >= 0 else { throw corrupt("tensor '\(name)': negative size \(record.shape)") }
                guard dim == 1 || stride == expected else {
                    throw corrupt(
                        "tensor '\(name)' is not contiguous (size \(record.shape), stride \(record.stride)); "
                            + "save `{k: v.contiguous() for k, v in state_dict.items()}`")
                }
                let (product, overflow) = expected.multipliedReportingOverflow(by: dim)
                guard !overflow, product <= capacity else { throw pastStorage() }
                expected = product
            }
            guard record.offset >= 0, record.offset <= capacity - expected else { throw pastStorage() }
            let start = storage.lowerBound + record.offset * size
            let byteCount = expected * size
            entries[name] = Entry(dtypeName: dtype, shape: record.shape, range: start..<(start + byteCount))
        }
        self.entries = entries
    }

    public var tensorNames: [String] { Array(entries.keys) }

    public func shape(of name: String) -> [Int]? { entries[name]?.shape }

    public func dtypeName(of name: String) -> String? { entries[name]?.dtypeName }

    public func tensor(_ name: String) throws -> TensorView {
        guard let entry = entries[name] else { throw ModelIOError.missingTensor(name, path: mapping.path) }
        guard let dtype = DType(rawValue: entry.dtypeName) else {
            throw ModelIOError.unsupportedDType(tensor: name, dtype: entry.dtypeName, path: mapping.path)
        }
        return TensorView(name: name, dtype: dtype, shape: entry.shape, data: mapping.base + entry.range.lowerBound, owner: mapping)
    }
}

/// A value of the pickle virtual machine, restricted to what a PyTorch `state_dict` contains.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case tuple([PickleValue])
    case list([PickleValue])
    /// A dict (or OrderedDict), in insertion order.
    case dict([(PickleValue, PickleValue)])
    /// A class or function named by GLOBAL / STACK_GLOBAL; only allow-listed names get this far.
    case global(module: String, name: String)
    /// A storage named by a persistent id: `('storage', torch.FloatStorage, key, location, numel)`.
    case storage(type: String, key: String, elements: Int?)
    /// A tensor rebuilt by `torch._utils._rebuild_tensor_v2`.
    case tensor(TensorRecord)
    /// The MARK opcode's stack marker.
    case mark
}

/// Where a tensor's elements lie in its storage.
struct TensorRecord {
    let storageType: String
    let storageKey: String
    let storageElements: Int?
    let offset: Int
    let shape: [Int]
    let stride: [Int]
}

/// A minimal unpickler for `data.pkl` of `torch.save` archives. It never executes code: GLOBAL may name only the
/// classes and functions a state dict uses (OrderedDict, the tensor rebuild functions, the storage types), and
/// REDUCE applies only those. Any other opcode or name is an error that says what was refused.
/// Opcodes: https://github.com/python/cpython/blob/3.12/Lib/pickletools.py
struct Unpickler {
    static let storageTypes: Set<String> = [
        "FloatStorage", "HalfStorage", "BFloat16Storage", "DoubleStorage", "LongStorage", "IntStorage",
        "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
    ]
    static let functions: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
    ]

    let bytes: UnsafeRawBufferPointer
    let path: String
    private var position = 0
    private var stack: [PickleValue] = []
    private var memo: [Int: PickleValue] = [:]

    init(_ bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    private func error(_ reason: String) -> ModelIOError { .corruptCheckpoint(path: path, reason: "data.pkl: \(reason)") }

    private mutating func read(_ count: Int) throws -> UnsafeRawBufferPointer {
        // `count` comes from the file (up to 2^63 - 1): compared with what is left, never added to the position.
        guard count >= 0, count <= bytes.count - position else { throw error("truncated at byte \(position)") }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    private mutating func byte() throws -> UInt8 { try read(1)[0] }

    private mutating func integer(_ count: Int, signed: Bool = false) throws -> Int {
        let raw = try read(count)
        var value: UInt64 = 0
        for i in (0..<count).reversed() { value = value << 8 | UInt64(raw[i]) }
        if signed && count < 8 && value & (1 << (UInt64(count) * 8 - 1)) != 0 {
            return Int(truncatingIfNeeded: value | ~((1 << (UInt64(count) * 8)) - 1))
        }
        guard value <= UInt64(Int.max) || signed else { throw error("integer out of range at byte \(position)") }
        return Int(truncatingIfNeeded: value)
    }

    private mutating func text(_ count: Int) throws -> String {
        guard let string = String(validating: try read(count), as: UTF8.self) else {
            throw error("string at byte \(position - count) is not valid UTF-8")
        }
        return string
    }

    private mutating func line() throws -> String {
        guard let newline = bytes[position...].firstIndex(of: 0x0A) else { throw error("unterminated GLOBAL at byte \(position)") }
        let value = try text(newline - position)
        position += 1  // the newline
        return value
    }

    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast() else { throw error("stack underflow at byte \(position)") }
        return value
    }

    /// Pops everything down to the last MARK.
    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = stack.lastIndex(where: { if case .mark = $0 { return true } else { return false } }) else {
            throw error("missing MARK at byte \(position)")
        }
        let items = Array(stack[(mark + 1)...])
        stack.removeSubrange(mark...)
        return items
    }

    private func global(_ module: String, _ name: String) throws -> PickleValue {
        let full = module + "." + name
        guard Self.functions.contains(full) || (module == "torch" && Self.storageTypes.contains(name)) else {
            throw ModelIOError.unsafeCheckpoint(
                path: path, reason: "data.pkl refers to \(full), which a state_dict never needs; refusing to load it")
        }
        return .global(module: module, name: name)
    }

    /// Runs the program; `persistentLoad` resolves BINPERSID ids (the storages).
    mutating func load(persistentLoad: (PickleValue) throws -> PickleValue) throws -> PickleValue {
        while true {
            let at = position
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()  // PROTO
            case 0x95: _ = try read(8)  // FRAME
            case 0x2E: return try pop()  // STOP
            case 0x28: stack.append(.mark)  // MARK
            case 0x7D: stack.append(.dict([]))  // EMPTY_DICT
            case 0x5D: stack.append(.list([]))  // EMPTY_LIST
            case 0x29: stack.append(.tuple([]))  // EMPTY_TUPLE
            case 0x4E: stack.append(.none)  // NONE
            case 0x88: stack.append(.bool(true))  // NEWTRUE
            case 0x89: stack.append(.bool(false))  // NEWFALSE
            case 0x4B: stack.append(.int(try integer(1)))  // BININT1
            case 0x4D: stack.append(.int(try integer(2)))  // BININT2
            case 0x4A: stack.append(.int(try integer(4, signed: true)))  // BININT
            case 0x8A:  // LONG1
                let count = try integer(1)
                guard count <= 8 else { throw error("integer of \(count) bytes at byte \(at) is too large") }
                stack.append(.int(count == 0 ? 0 : try integer(count, signed: true)))
            case 0x47:  // BINFLOAT (big-endian)
                let raw = try read(8)
                stack.append(.float(Double(bitPattern: raw.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))
            case 0x58: stack.append(.string(try text(try integer(4))))  // BINUNICODE
            case 0x8C: stack.append(.string(try text(try integer(1))))  // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try text(try integer(8))))  // BINUNICODE8
            case 0x55: stack.append(.string(try text(try integer(1))))  // SHORT_BINSTRING
            case 0x54: stack.append(.string(try text(try integer(4))))  // BINSTRING
            case 0x71: memo[try integer(1)] = stack.last  // BINPUT
            case 0x72: memo[try integer(4)] = stack.last  // LONG_BINPUT
            case 0x94: memo[memo.count] = stack.last  // MEMOIZE
            case 0x68, 0x6A:  // BINGET, LONG_BINGET
                let key = try integer(opcode == 0x68 ? 1 : 4)
                guard let value = memo[key] else { throw error("memo \(key) read before written at byte \(at)") }
                stack.append(value)
            case 0x74: stack.append(.tuple(try popMark()))  // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))  // TUPLE1
            case 0x86:  // TUPLE2
                let b = try pop(), a = try pop()
                stack.append(.tuple([a, b]))
            case 0x87:  // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                stack.append(.tuple([a, b, c]))
            case 0x61, 0x65:  // APPEND, APPENDS
                let items = opcode == 0x61 ? [try pop()] : try popMark()
                guard case .list(let list) = try pop() else { throw error("APPEND to a non-list at byte \(at)") }
                stack.append(.list(list + items))
            case 0x73, 0x75:  // SETITEM, SETITEMS
                let items = opcode == 0x73 ? [try pop(), try pop()].reversed() : try popMark()
                guard items.count % 2 == 0, case .dict(var pairs) = try pop() else {
                    throw error("SETITEMS on a non-dict at byte \(at)")
                }
                for i in stride(from: 0, to: items.count, by: 2) { pairs.append((items[i], items[i + 1])) }
                stack.append(.dict(pairs))
            case 0x63:  // GLOBAL
                let module = try line(), name = try line()
                stack.append(try global(module, name))
            case 0x93:  // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else {
                    throw error("STACK_GLOBAL needs two strings at byte \(at)")
                }
                stack.append(try global(module, name))
            case 0x51: stack.append(try persistentLoad(try pop()))  // BINPERSID
            case 0x52:  // REDUCE
                let arguments = try pop(), callable = try pop()
                stack.append(try reduce(callable, arguments, at: at))
            case 0x62:  // BUILD: state set on an OrderedDict (its _metadata); the weights do not depend on it.
                _ = try pop()
                guard case .dict = stack.last else { throw error("BUILD on something other than a dict at byte \(at)") }
            default:
                throw ModelIOError.unsafeCheckpoint(
                    path: path,
                    reason: String(
                        format: "data.pkl uses pickle opcode 0x%02X at byte %d, outside what a state_dict needs; refusing to load it",
                        Int(opcode), at))
            }
        }
    }

    private func reduce(_ callable: PickleValue, _ arguments: PickleValue, at: Int) throws -> PickleValue {
        guard case .global(let module, let name) = callable, case .tuple(let args) = arguments else {
            throw error("REDUCE needs a callable and a tuple at byte \(at)")
        }
        switch module + "." + name {
        case "collections.OrderedDict":
            guard args.isEmpty else { throw error("OrderedDict with arguments at byte \(at)") }
            return .dict([])
        case "torch._utils._rebuild_parameter":
            guard let tensor = args.first, case .tensor = tensor else { throw error("_rebuild_parameter without a tensor at byte \(at)") }
            return tensor
        case "torch._utils._rebuild_tensor_v2":
            guard args.count >= 4, case .storage(let type, let key, let elements) = args[0], case .int(let offset) = args[1],
                case .tuple(let shapeValues) = args[2], case .tuple(let strideValues) = args[3]
            else {
                throw error("_rebuild_tensor_v2 arguments are not (storage, offset, size, stride, ...) at byte \(at)")
            }
            func ints(_ values: [PickleValue]) throws -> [Int] {
                try values.map {
                    guard case .int(let n) = $0, n >= 0 else { throw error("tensor size or stride is not a natural number at byte \(at)") }
                    return n
                }
            }
            return .tensor(
                TensorRecord(
                    storageType: type, storageKey: key, storageElements: elements, offset: offset,
                    shape: try ints(shapeValues), stride: try ints(strideValues)))
        default:
            throw ModelIOError.unsafeCheckpoint(path: path, reason: "data.pkl calls \(module).\(name); refusing to load it")
        }
    }
}

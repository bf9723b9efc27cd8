#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Element types of checkpoint tensors that BertKit reads.
public enum DType: String, Sendable, Equatable {
    /// IEEE binary32.
    case f32 = "F32"
    /// IEEE binary16.
    case f16 = "F16"
    /// bfloat16.
    case bf16 = "BF16"

    /// Bytes per element.
    public var size: Int { self == .f32 ? 4 : 2 }
}

/// A read-only view of one tensor inside a mapped checkpoint file.
public struct TensorView: @unchecked Sendable {
    /// The checkpoint key.
    public let name: String
    /// Element type.
    public let dtype: DType
    /// Shape, outermost first.
    public let shape: [Int]
    /// First byte of the data (inside the mapping).
    public let data: UnsafeRawPointer
    /// The mapping that owns the bytes; keeps them alive.
    public let owner: MappedFile

    /// Number of elements.
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A float32 tensor ready for the engine: either a zero-copy view into the mapping (F32 and aligned)
/// or an owned buffer converted from F16/BF16.
public struct FloatTensor: @unchecked Sendable {
    /// The checkpoint key.
    public let name: String
    /// Shape, outermost first.
    public let shape: [Int]
    /// The values, row-major.
    public let pointer: UnsafePointer<Float>
    /// Whether the values were converted (and so copied) from another dtype.
    public let converted: Bool
    private let owner: AnyObject

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// The values as a buffer; valid only while this tensor is alive (see `withUnsafeBufferPointer`).
    public var buffer: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: pointer, count: count) }

    /// Calls `body` with the values, keeping their storage alive meanwhile.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try withExtendedLifetime(owner) { try body(buffer) }
    }

    /// A copy of the values.
    public var values: [Float] { withUnsafeBufferPointer { Array($0) } }

    /// Tells the OS that the checkpoint pages holding these values (whole pages only) are no longer needed, so they
    /// stop counting as resident memory (a later read maps them in again from the file). For tensors the engine
    /// copied elsewhere, such as weights packed for its kernels. Does nothing for converted tensors.
    public func releaseMappedPages() {
        guard !converted, owner is MappedFile else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return }
        let start = Int(bitPattern: pointer)
        let end = start + count * MemoryLayout<Float>.size
        let first = (start + page - 1) / page * page
        let last = end / page * page
        guard last > first, let address = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(address, last - first, MADV_DONTNEED)
    }

    /// Reads `view` as float32: no copy when it is F32 and 4-byte aligned, else a converted copy.
    public init(_ view: TensorView) {
        name = view.name
        shape = view.shape
        let n = view.elementCount
        if view.dtype == .f32 && Int(bitPattern: view.data) % MemoryLayout<Float>.alignment == 0 {
            pointer = view.data.assumingMemoryBound(to: Float.self)
            owner = view.owner
            converted = false
            return
        }
        let storage = OwnedFloats(count: n)
        let out = storage.pointer
        switch view.dtype {
        case .f32:
            for i in 0..<n { out[i] = Float(bitPattern: view.data.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
        case .f16:
            for i in 0..<n {
                out[i] = Self.halfToFloat(view.data.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
            }
        case .bf16:
            for i in 0..<n {
                out[i] = Float(bitPattern: UInt32(view.data.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)) << 16)
            }
        }
        pointer = UnsafePointer(out)
        owner = storage
        converted = true
    }

    init(name: String, shape: [Int], pointer: UnsafePointer<Float>, converted: Bool, owner: AnyObject) {
        self.name = name
        self.shape = shape
        self.pointer = pointer
        self.converted = converted
        self.owner = owner
    }

    /// IEEE half to float, exact for every value (subnormals, infinities and NaN included).
    public static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: mantissa * 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}

/// Heap storage for converted tensors.
final class OwnedFloats {
    let pointer: UnsafeMutablePointer<Float>
    init(count: Int) {
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }
    deinit { pointer.deallocate() }
}

extension FloatTensor {
    /// A tensor that owns a copy of `values` (for weights BertKit derives at load, such as fused Q/K/V).
    public init(name: String, shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "FloatTensor(name:shape:values:) needs one value per element")
        let storage = OwnedFloats(count: values.count)
        values.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: values.count) }
        self.init(name: name, shape: shape, pointer: UnsafePointer(storage.pointer), converted: true, owner: storage)
    }
}

/// A checkpoint file whose tensors can be viewed in place: safetensors or a PyTorch state_dict archive.
public protocol TensorSource: Sendable {
    /// The mapped file the views point into.
    var mapping: MappedFile { get }
    /// Every tensor's name.
    var tensorNames: [String] { get }
    /// A tensor's shape, nil if absent.
    func shape(of name: String) -> [Int]?
    /// A tensor's dtype in safetensors spelling (`F32`, `I64`, ...), nil if absent.
    func dtypeName(of name: String) -> String?
    /// The view of tensor `name`; throws if absent or of a dtype the engine does not read.
    func tensor(_ name: String) throws -> TensorView
}

extension SafeTensorsFile: TensorSource {
    public var mapping: MappedFile { file }
    public var tensorNames: [String] { Array(entries.keys) }
    public func shape(of name: String) -> [Int]? { entries[name]?.shape }
    public func dtypeName(of name: String) -> String? { entries[name]?.dtypeName }
}

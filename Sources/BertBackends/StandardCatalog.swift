@_exported import BertKit
import BertONNX
import BertTorchScript

extension BackendCatalog {
    /// Every engine of BertKit: the native one, ONNX Runtime, and libtorch's TorchScript runtime. The graph engines'
    /// libraries load only when one of them is used.
    public static let standard = BackendCatalog([NativeBackendProvider(), OnnxRuntimeProvider(), TorchScriptProvider()])
}

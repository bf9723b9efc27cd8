/// Errors of the TorchScript backend.
public enum TorchScriptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// This build has no libtorch (built without the TorchScript trait).
    case notBuilt
    /// libtorch failed: what BertKit was doing, and libtorch's message.
    case torch(action: String, message: String)
    /// No TorchScript file was given or found.
    case fileNotFound(tried: [String])
    /// A forward argument BertKit cannot feed.
    case unexpectedInput(path: String, name: String)
    /// The module's output does not fit the task.
    case unexpectedOutput(path: String, detail: String)
    /// `classify` on a module whose output is not logits.
    case noLogits(path: String, shape: [Int])

    public var description: String {
        switch self {
        case .notBuilt:
            return "this build of BertKit has no TorchScript backend: build with `swift build --traits TorchScript` "
                + "where libtorch is installed (Debian: apt install libtorch-dev; `make test` does both)"
        case let .torch(action, message):
            // libtorch's messages carry a C++ backtrace after the first lines; keep what a user reads.
            let lines = message.split(separator: "\n", omittingEmptySubsequences: true)
            let kept = lines.prefix { !$0.hasPrefix("Exception raised from") && !$0.hasPrefix("frame #") }
            return "libtorch could not \(action): \(kept.prefix(12).joined(separator: " | "))"
        case let .fileNotFound(tried):
            return "no TorchScript file found (looked for \(tried.joined(separator: ", "))); pass --torchscript FILE "
                + "(a model traced with torch.jit.trace and saved with torch.jit.save)"
        case let .unexpectedInput(path, name):
            return "\(path): forward takes '\(name)'; BertKit feeds input_ids, attention_mask and token_type_ids"
        case let .unexpectedOutput(path, detail):
            return "\(path): \(detail)"
        case let .noLogits(path, shape):
            return "\(path) outputs a tensor of shape \(shape), not logits [batch, labels]; use embed for encoder models"
        }
    }
}

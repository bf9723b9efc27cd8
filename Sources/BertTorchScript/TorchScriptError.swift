/// Errors of the TorchScript backend.
public enum TorchScriptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The libtorch plug-in was found but built without libtorch (without the TorchScript trait).
    case notBuilt(plugin: String)
    /// No libtorch plug-in (`libBertKitTorch.so`) where it was looked for.
    case pluginMissing(tried: [String])
    /// The plug-in exists but `dlopen` failed (libtorch's libraries missing, another architecture, ...).
    case pluginUnloadable(path: String, reason: String)
    /// libtorch failed: what BertKit was doing, and libtorch's message.
    case torch(action: String, message: String)
    /// No TorchScript file was given or found.
    case fileNotFound(tried: [String])
    /// A forward argument BertKit cannot feed.
    case unexpectedInput(path: String, name: String)
    /// A pair (second segment) for a model with segment embeddings, on a file that takes no token_type_ids.
    case segmentsNotTaken(path: String)
    /// The module's output does not fit the task.
    case unexpectedOutput(path: String, detail: String)
    /// `classify` on a module whose output is not logits.
    case noLogits(path: String, shape: [Int])

    public var description: String {
        switch self {
        case let .notBuilt(plugin):
            return "the torchscript backend's plug-in \(plugin) was built without libtorch: build with `swift build --traits TorchScript` "
                + "where libtorch is installed (Debian: apt install libtorch-dev; `make test` does both)"
        case let .pluginMissing(tried):
            return "the torchscript backend needs its libtorch plug-in, \(TorchPlugin.fileName), which was not found (looked for "
                + "\(tried.joined(separator: ", "))): build it with `swift build -c release --traits TorchScript` where libtorch is "
                + "installed (Debian: apt install libtorch-dev), or set BERTKIT_TORCH_PLUGIN to its path"
        case let .pluginUnloadable(path, reason):
            return "the torchscript backend's plug-in \(path) could not be loaded: \(reason)"
        case let .torch(action, message):
            // libtorch's messages carry a C++ backtrace after the first lines; keep what a user reads.
            let lines = message.split(separator: "\n", omittingEmptySubsequences: true)
            let kept = lines.prefix { !$0.hasPrefix("Exception raised from") && !$0.hasPrefix("frame #") }
            return "libtorch could not \(action): \(kept.prefix(12).joined(separator: " | "))"
        case let .fileNotFound(tried):
            return "no TorchScript file found (looked for \(tried.joined(separator: ", "))); pass --torchscript FILE "
                + "(a model traced with torch.jit.trace and saved with torch.jit.save)"
        case let .segmentsNotTaken(path):
            return "\(path) takes no token_type_ids, so the second text of a pair would be read as part of the first; "
                + "trace the model with token_type_ids to run pairs"
        case let .unexpectedInput(path, name):
            return "\(path): forward takes '\(name)'; BertKit feeds input_ids, attention_mask and token_type_ids"
        case let .unexpectedOutput(path, detail):
            return "\(path): \(detail)"
        case let .noLogits(path, shape):
            return "\(path) outputs a tensor of shape \(shape), not logits [batch, labels]; use embed for encoder models"
        }
    }
}

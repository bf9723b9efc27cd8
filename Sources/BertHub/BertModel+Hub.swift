import BertKit
import BertModelIO
import Foundation

extension BertModel {
    /// Loads a model by name (`ORG/NAME[@REVISION]`) on the native engine: from the Hugging Face cache, its missing
    /// files downloaded first (`Hub.snapshot`). The folder is loaded on a thread of its own, not the caller's.
    ///
    /// ```swift
    /// let model = try await BertModel(name: "sentence-transformers/all-MiniLM-L6-v2")
    /// let vectors = try await model.embed(["A cat sits."])
    /// ```
    public init(name: String, options: Options = Options(), hub: Hub = Hub()) async throws {
        let folder = try await hub.snapshot(try HubModelName(parsing: name))
        self = try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try BertModel(directory: folder, options: options) }) }.start()
        }
    }
}

import BertKit
import Foundation

/// The JSON pieces of the commands' output lines (`OutputLines` writes them).
enum JSONLineWriter {
    /// A JSON string literal.
    static func quote(_ s: String) -> String { JSONString.quoted(s) }

    /// A JSON array of numbers (non-finite values become null).
    static func array(_ values: [Float]) -> String {
        "[" + values.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",") + "]"
    }

    /// A JSON array of integers.
    static func array(_ values: [Int]) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }
}

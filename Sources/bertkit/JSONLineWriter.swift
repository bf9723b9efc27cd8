import Foundation

/// Writes JSON Lines to standard output, buffered.
struct JSONLineWriter {
    private var buffer = ""

    /// Appends a JSON string literal.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A JSON array of numbers (non-finite values become null).
    static func array(_ values: [Float]) -> String {
        "[" + values.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",") + "]"
    }

    /// A JSON array of integers.
    static func array(_ values: [Int]) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }

    /// Adds one line.
    mutating func line(_ json: String) {
        buffer += json
        buffer += "\n"
        if buffer.utf8.count > 1 << 16 { flush() }
    }

    /// Writes what is buffered.
    mutating func flush() {
        FileHandle.standardOutput.write(Data(buffer.utf8))
        buffer = ""
    }
}

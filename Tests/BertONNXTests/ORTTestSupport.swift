import Foundation
import TestSupport

@testable import BertONNX

/// ONNX Runtime for the tests (`Fixtures.onnxRuntimeLibrary`). Tests fail, never skip, when it is missing.
enum ORTTestSupport {
    static var python: String { Fixtures.onnxPython }

    static var libraryPath: String {
        get throws {
            guard let path = Fixtures.onnxRuntimeLibrary else { throw ORTError.libraryNotFound(tried: [Fixtures.onnxRuntimeMissing]) }
            return path
        }
    }

    static func runtime() throws -> ORTRuntime {
        try ORTRuntime.shared(libraryPath: libraryPath, log: false)
    }

    /// Runs `python` with `arguments`; throws with its standard error when it fails.
    static func runPython(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ORTError.call(
                function: "python \(arguments.first ?? "")", code: process.terminationStatus,
                message: String(decoding: message, as: UTF8.self))
        }
        return data
    }
}

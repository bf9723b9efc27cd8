import BertKit
import Foundation
import Testing

/// A tune file is typed when read and applied by one rule (`TunedSetup.apply`): its values for every setting the user
/// did not give, the user's for the rest; a file whose values are not BertKit's is refused naming the field.
@Suite struct TunedSetupTests {
    static let machine = TunedSetup.Machine(cpu: "", cores: 2, kernels: "avx2", cpuFlags: [])
    static let setup = TunedSetup(
        backend: "native-padded", precision: .int8, threads: 2,
        batching: .init(kind: .tokens, batchSize: 16, maxTokens: 2048, maxSequences: 24),
        machine: machine, sequencesPerSecond: 100, p95BatchMs: 3)

    @Test func theFileFillsWhatTheUserLeftOut() throws {
        let flags = RunSettings(backend: "native", execution: .packed, precision: .fp32, threads: 0, batching: .sorted(size: 8))
        let all = try Self.setup.apply(to: flags, catalog: .native)
        #expect(
            all
                == RunSettings(
                    backend: "native", execution: .padded, precision: .int8, threads: 2,
                    batching: .tokens(maxTokens: 2048, maxSize: 24)))
        let some = try Self.setup.apply(to: flags, except: [.precision, .batching], catalog: .native)
        #expect(some.precision == .fp32 && some.batching == .sorted(size: 8))
        #expect(some.execution == .padded && some.threads == 2)
        let none = try Self.setup.apply(to: flags, except: Set(RunSettings.Setting.allCases), catalog: .native)
        #expect(none == flags)
    }

    @Test func filesRoundTripAndBadValuesNameTheirField() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tuned-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("tune.json")
        let json = String(decoding: try JSONEncoder().encode(Self.setup), as: UTF8.self)
        try json.write(to: file, atomically: true, encoding: .utf8)
        #expect(try TunedSetup(contentsOf: file) == Self.setup)
        #expect(json.contains(#""precision":"int8""#) && json.contains(#""kind":"tokens""#))
        for (bad, field) in [(#""precision":"int4""#, "precision"), (#""kind":"greedy""#, "kind")] {
            let broken = json.replacingOccurrences(
                of: bad == #""precision":"int4""# ? #""precision":"int8""# : #""kind":"tokens""#, with: bad)
            try broken.write(to: file, atomically: true, encoding: .utf8)
            #expect {
                try TunedSetup(contentsOf: file)
            } throws: { error in
                "\(error)".contains(file.path) && "\(error)".contains(field)
            }
        }
    }
}

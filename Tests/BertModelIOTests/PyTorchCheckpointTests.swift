import BertModelIO
import Foundation
import TestSupport
import Testing

/// The torch.save reader (Tests/Fixtures/pytorch, made by tools/make_state_dict_fixtures.py): the same tensors as
/// the safetensors file they came from, and a clear refusal for every damaged or unsafe archive.
@Suite struct PyTorchCheckpointTests {
    static func path(_ name: String) -> String { Fixtures.path("pytorch/\(name)") }

    @Test(arguments: [("tiny-bert-cls.bin", "tiny-bert-cls"), ("tiny-bert-cls-f16.pt", "tiny-bert-cls-f16")])
    func tensorsEqualTheSafetensorsOriginal(file: String, model: String) throws {
        let checkpoint = try PyTorchCheckpoint(path: Self.path(file))
        let original = try SafeTensorsFile(path: Fixtures.path("models/\(model)/model.safetensors"))
        #expect(Set(original.tensorNames).isSubset(of: Set(checkpoint.tensorNames)))
        for name in original.tensorNames {
            #expect(checkpoint.shape(of: name) == original.shape(of: name))
            #expect(checkpoint.dtypeName(of: name) == original.dtypeName(of: name))
            let a = FloatTensor(try checkpoint.tensor(name)), b = FloatTensor(try original.tensor(name))
            #expect(a.values == b.values, "\(name)")
        }
    }

    @Test func float32TensorsAreMappedNotCopied() throws {
        let checkpoint = try PyTorchCheckpoint(path: Self.path("tiny-bert-cls.bin"))
        let tensor = FloatTensor(try checkpoint.tensor("bert.embeddings.word_embeddings.weight"))
        #expect(!tensor.converted)
        #expect(checkpoint.mapping.contains(UnsafeRawPointer(tensor.pointer)))
    }

    @Test func viewsAndOtherDTypesAreListed() throws {
        let checkpoint = try PyTorchCheckpoint(path: Self.path("tiny-bert-cls.bin"))
        // A [4, 4] view at element offset 8 of a 64-element storage of zeros.
        #expect(checkpoint.shape(of: "extra.shared_storage_view") == [4, 4])
        #expect(FloatTensor(try checkpoint.tensor("extra.shared_storage_view")).values == Array(repeating: 0, count: 16))
        // The int64 position_ids buffer is listed, and reading it as floats is a clear error.
        #expect(checkpoint.dtypeName(of: "bert.embeddings.position_ids") == "I64")
        #expect(
            throws: ModelIOError.unsupportedDType(
                tensor: "bert.embeddings.position_ids", dtype: "I64", path: Self.path("tiny-bert-cls.bin"))
        ) {
            try checkpoint.tensor("bert.embeddings.position_ids")
        }
    }

    static let refusals: [(file: String, message: String)] = [
        ("unsafe-global.bin", "refers to posix.system, which a state_dict never needs; refusing to load it"),
        ("protocol-0.bin", "uses pickle opcode 0x64 at byte 1, outside what a state_dict needs"),
        ("short-storage.bin", "storage data/0 has 188 bytes, 48 F32 elements need 192"),
        ("noncontiguous.bin", "is not contiguous (size [6, 8], stride [1, 6])"),
        ("legacy.bin", "PyTorch's legacy (pre-1.6) serialization"),
    ]

    @Test(arguments: refusals)
    func damagedOrUnsafeFilesAreRefused(file: String, message: String) {
        do {
            _ = try PyTorchCheckpoint(path: Self.path(file))
            Issue.record("\(file) was accepted")
        } catch {
            #expect("\(error)".contains(message), "\(file): \(error)")
            #expect("\(error)".contains(Self.path(file)))
        }
    }

    @Test(arguments: [100, 5000, 60_000, 208_000])
    func truncatedArchivesAreRefused(keep: Int) throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.path("tiny-bert-cls.bin")))
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("truncated.bin").path
        try whole.prefix(keep).write(to: URL(fileURLWithPath: path))
        #expect(throws: ModelIOError.self) { try PyTorchCheckpoint(path: path) }
        do { _ = try PyTorchCheckpoint(path: path) } catch {
            #expect("\(error)".contains("corrupt PyTorch checkpoint \(path)"), "\(error)")
        }
    }
}

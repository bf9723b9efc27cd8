/// The parts of a SentencePiece model file (`sentencepiece.bpe.model`, the `ModelProto` of sentencepiece's
/// `sentencepiece_model.proto`) that transformers' converters read: the pieces with their scores and types, the
/// trainer's model type and special ids, and the normalizer's precompiled character map.
struct SentencePieceModel {
    /// `ModelProto.SentencePiece.Type`.
    enum PieceType: Int32 {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    struct Piece {
        var text: String
        var score: Float
        var type: PieceType
    }

    /// `TrainerSpec.ModelType`.
    enum ModelType: Int32 {
        case unigram = 1, bpe = 2, word = 3, char = 4
    }

    var pieces: [Piece] = []
    var modelType: ModelType = .unigram
    var unkId: Int32 = 0
    var byteFallback = false
    /// `NormalizerSpec.precompiled_charsmap`; empty when the model normalizes nothing (identity).
    var precompiledCharsmap: [UInt8] = []

    /// Parses `bytes`; errors name the field (`pieces[12].piece`) and the byte offset.
    init(bytes: [UInt8]) throws(ProtobufReader.Failure) {
        var model = SentencePieceModel()
        let outcome = bytes.withUnsafeBytes { raw -> Result<Void, ProtobufReader.Failure> in
            var reader = ProtobufReader(raw)
            do throws(ProtobufReader.Failure) { try model.read(&reader) } catch { return .failure(error) }
            return .success(())
        }
        try outcome.get()
        self = model
    }

    private init() {}

    private mutating func read(_ reader: inout ProtobufReader) throws(ProtobufReader.Failure) {
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1:
                try ProtobufReader.expect(wire, .lengthDelimited, field: "pieces")
                var message = try reader.message()
                pieces.append(try Self.piece(&message, index: pieces.count))
            case 2:
                try ProtobufReader.expect(wire, .lengthDelimited, field: "trainer_spec")
                var message = try reader.message()
                try trainerSpec(&message)
            case 3:
                try ProtobufReader.expect(wire, .lengthDelimited, field: "normalizer_spec")
                var message = try reader.message()
                try normalizerSpec(&message)
            default:
                try reader.skip(wire)
            }
        }
    }

    private static func piece(_ reader: inout ProtobufReader, index: Int) throws(ProtobufReader.Failure) -> Piece {
        var piece = Piece(text: "", score: 0, type: .normal)
        var named = false
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1:
                try ProtobufReader.expect(wire, .lengthDelimited, field: "pieces[\(index)].piece")
                piece.text = try reader.string()
                named = true
            case 2:
                try ProtobufReader.expect(wire, .fixed32, field: "pieces[\(index)].score")
                piece.score = try reader.float()
                guard piece.score.isFinite else { throw .init(reason: "pieces[\(index)].score is not finite") }
            case 3:
                try ProtobufReader.expect(wire, .varint, field: "pieces[\(index)].type")
                let raw = try reader.int32()
                guard let type = PieceType(rawValue: raw) else { throw .init(reason: "pieces[\(index)].type \(raw) is unknown") }
                piece.type = type
            default:
                try reader.skip(wire)
            }
        }
        guard named, !piece.text.isEmpty else { throw .init(reason: "pieces[\(index)] has no text") }
        return piece
    }

    private mutating func trainerSpec(_ reader: inout ProtobufReader) throws(ProtobufReader.Failure) {
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 3:
                try ProtobufReader.expect(wire, .varint, field: "trainer_spec.model_type")
                let raw = try reader.int32()
                guard let type = ModelType(rawValue: raw) else { throw .init(reason: "trainer_spec.model_type \(raw) is unknown") }
                modelType = type
            case 35:
                try ProtobufReader.expect(wire, .varint, field: "trainer_spec.byte_fallback")
                byteFallback = try reader.bool()
            case 40:
                try ProtobufReader.expect(wire, .varint, field: "trainer_spec.unk_id")
                unkId = try reader.int32()
            default:
                try reader.skip(wire)
            }
        }
    }

    private mutating func normalizerSpec(_ reader: inout ProtobufReader) throws(ProtobufReader.Failure) {
        while let (number, wire) = try reader.nextField() {
            if number == 2 {
                try ProtobufReader.expect(wire, .lengthDelimited, field: "normalizer_spec.precompiled_charsmap")
                precompiledCharsmap = try reader.data()
            } else {
                try reader.skip(wire)
            }
        }
    }
}

import BertTokenizers
import Foundation
import TestSupport
import Testing

/// Random bytes and random Unicode through every tokenizer (a seeded property test, 400 inputs each): no crash,
/// invalid UTF-8 refused, every offset inside the text, the batch API equal to one-by-one encoding.
@Suite struct TokenizerPropertyTests {
    static let kinds = TokenizerParityTests.mainKinds + TokenizerParityTests.componentKinds

    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func randomText(_ rng: inout SplitMix, added: [String]) -> String {
        var view = String.UnicodeScalarView()
        let length = Int.random(in: 0...60, using: &rng)
        for _ in 0..<length {
            let pick = Int.random(in: 0..<10, using: &rng)
            let value: UInt32 =
                switch pick {
                case 0...3: UInt32.random(in: 0x20...0x7E, using: &rng)
                case 4: UInt32.random(in: 0...0x20, using: &rng)
                case 5: UInt32.random(in: 0x300...0x36F, using: &rng)
                case 6: UInt32.random(in: 0x80...0x2FFF, using: &rng)
                case 7: UInt32.random(in: 0x3000...0xFFFF, using: &rng)
                case 8: UInt32.random(in: 0x1F300...0x1FAFF, using: &rng)
                default: UInt32.random(in: 0x10000...0x10FFFF, using: &rng)
                }
            if let scalar = Unicode.Scalar(value) { view.append(scalar) }
            if pick == 9, let token = added.randomElement(using: &rng) { view.append(contentsOf: token.unicodeScalars) }
        }
        return String(view)
    }

    @Test(arguments: kinds)
    func randomUnicodeNeverCrashesAndOffsetsStayInside(kind: String) throws {
        let file = Fixtures.tokenizerFile(kind)
        guard FileManager.default.fileExists(atPath: file) else { Issue.record("\(file) missing: run `make tokenizers`"); return }
        var tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: file))
        tokenizer.padding = nil
        tokenizer.truncation = nil
        var rng = SplitMix(state: UInt64(kind.utf8.reduce(7) { $0 &* 31 &+ UInt64($1) }))
        let added = tokenizer.addedTokens.map(\.content)
        var inputs: [(text: String, pair: String?)] = []
        for _ in 0..<400 {
            let text = Self.randomText(&rng, added: added)
            let pair = Bool.random(using: &rng) ? Self.randomText(&rng, added: added) : nil
            inputs.append((text, pair))
        }
        var sequential: [Encoding] = []
        for (text, pair) in inputs {
            let e = try tokenizer.encode(text, pair: pair)
            let lengths = [text.unicodeScalars.count, pair?.unicodeScalars.count ?? 0]
            for (k, range) in e.offsets.enumerated() {
                let limit = e.sequenceIds[k].map { lengths[$0] } ?? 0
                #expect(range.lowerBound >= 0 && range.upperBound <= limit, "\(kind): \(text.debugDescription) token \(k) \(range)")
            }
            #expect(e.ids.count == e.tokens.count && e.ids.count == e.offsets.count && e.ids.count == e.typeIds.count)
            _ = tokenizer.decode(e.ids)
            sequential.append(e)
        }
        #expect(try tokenizer.encodeBatch(inputs) == sequential)
        // Truncation with stride on the same inputs: windows stay within the limit.
        tokenizer.truncation = Truncation(maxLength: 12, stride: 2)
        for (text, pair) in inputs.prefix(100) {
            guard let e = try? tokenizer.encode(text, pair: pair) else { continue }
            #expect(e.count <= 12 || tokenizer.specialTokenCount(isPair: pair != nil) > 12)
            for window in e.overflowing { #expect(window.count <= 12) }
        }
    }

    @Test(arguments: kinds)
    func randomBytesAreRefusedOrTokenized(kind: String) throws {
        let file = Fixtures.tokenizerFile(kind)
        guard FileManager.default.fileExists(atPath: file) else { Issue.record("\(file) missing: run `make tokenizers`"); return }
        let tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: file))
        var rng = SplitMix(state: 99)
        var refused = 0
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            switch Result(catching: { () throws(TokenizerError) -> Encoding in try tokenizer.encode(utf8: bytes) }) {
            case let .success(e):
                let count = String(decoding: bytes, as: UTF8.self).unicodeScalars.count
                #expect(e.offsets.allSatisfy { $0.upperBound <= count })
            case let .failure(error):
                #expect(error == .invalidUTF8)
                #expect(String(validating: bytes, as: UTF8.self) == nil)
                refused += 1
            }
        }
        #expect(refused > 0)
    }
}

// libFuzzer entry point over one tokenizer (compiled into the BertTokenizers sources by fuzz.sh), over the
// tokenizer.json reader itself (BERTKIT_FUZZ_TOKENIZER=json), or over the SentencePiece model reader and converter
// (BERTKIT_FUZZ_TOKENIZER=sentencepiece). Over a tokenizer, every input is taken as UTF-8 bytes; invalid UTF-8 must be refused, valid text must tokenize with every offset inside it, and
// the first half / second half must work as a pair with truncation and stride.
import Foundation

nonisolated(unsafe) private var loaded: Tokenizer?

private func tokenizer() -> Tokenizer {
    if let loaded { return loaded }
    guard let path = ProcessInfo.processInfo.environment["BERTKIT_FUZZ_TOKENIZER"] else {
        fatalError("set BERTKIT_FUZZ_TOKENIZER to a tokenizer.json")
    }
    do {
        var t = try Tokenizer(contentsOf: URL(fileURLWithPath: path))
        t.padding = nil
        t.truncation = nil
        loaded = t
        return t
    } catch {
        fatalError("\(error)")
    }
}

/// BERTKIT_FUZZ_TOKENIZER=json: the input is a tokenizer.json; loading must give a tokenizer or an error, and a
/// loaded one must tokenize a few strings.
private func fuzzTokenizerFile(_ bytes: UnsafeBufferPointer<UInt8>) -> CInt {
    guard var t = try? Tokenizer(json: Data(bytes)) else { return 0 }
    t.truncation = nil
    t.padding = nil
    for text in ["Hello world!", "naïve café 中文", "", "  x  y  "] {
        if let e = try? t.encode(text, pair: "a pair") { _ = t.decode(e.ids) }
    }
    return 0
}

/// BERTKIT_FUZZ_TOKENIZER=sentencepiece: the input is a SentencePiece model, put in a folder with XLM-R's
/// tokenizer_config.json as sentencepiece.bpe.model and in one with DeBERTa-v2's (lowercasing, punctuation split) as
/// spm.model, each converted as a user's folder is; a tokenizer or an error, and a tokenizer must tokenize.
nonisolated(unsafe) private var pieceFolders: [(URL, String)]?

private func fuzzSentencePiece(_ bytes: UnsafeBufferPointer<UInt8>) -> CInt {
    if pieceFolders == nil {
        var folders: [(URL, String)] = []
        for (name, file, config) in [
            ("xlmr", "sentencepiece.bpe.model", #"{"tokenizer_class": "XLMRobertaTokenizer"}"#),
            ("deberta", "spm.model", #"{"tokenizer_class": "DebertaV2Tokenizer", "do_lower_case": true, "split_by_punct": true}"#),
        ] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-fuzz-spm-\(name)-\(getpid())")
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? Data(config.utf8).write(to: folder.appendingPathComponent("tokenizer_config.json"))
            folders.append((folder, file))
        }
        pieceFolders = folders
    }
    for (folder, file) in pieceFolders ?? [] {
        guard (try? Data(bytes).write(to: folder.appendingPathComponent(file))) != nil else { return 0 }
        guard let loaded = try? SlowTokenizerFiles.tokenizer(folder: folder.path) else { continue }
        var t = loaded
        t.truncation = nil
        t.padding = nil
        for text in ["Hello world!", "naïve café 中文", "", "  x  y  ", "[MASK] ok [SEP]"] {
            if let e = try? t.encode(text, pair: "a pair") { _ = t.decode(e.ids) }
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if ProcessInfo.processInfo.environment["BERTKIT_FUZZ_TOKENIZER"] == "json" {
        return fuzzTokenizerFile(UnsafeBufferPointer(start: data, count: size))
    }
    if ProcessInfo.processInfo.environment["BERTKIT_FUZZ_TOKENIZER"] == "sentencepiece" {
        return fuzzSentencePiece(UnsafeBufferPointer(start: data, count: size))
    }
    var t = tokenizer()
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let text = String(validating: bytes, as: UTF8.self) else {
        if case .success = Result(catching: { () throws(TokenizerError) in try t.encode(utf8: bytes) }) {
            fatalError("invalid UTF-8 accepted")
        }
        return 0
    }
    let count = text.unicodeScalars.count
    if let e = try? t.encode(text) {
        for (k, r) in e.offsets.enumerated() where e.sequenceIds[k] != nil {
            precondition(r.lowerBound >= 0 && r.upperBound <= count, "offset \(r) outside \(count) scalars")
        }
        _ = t.decode(e.ids)
    }
    let scalars = Array(text.unicodeScalars)
    let half = scalars.count / 2
    let first = String(scalars: scalars[..<half]), second = String(scalars: scalars[half...])
    t.truncation = Truncation(maxLength: 16, stride: 3)
    if let e = try? t.encode(first, pair: second) {
        precondition(e.overflowing.allSatisfy { $0.count <= 16 }, "window longer than 16 tokens")
    }
    return 0
}

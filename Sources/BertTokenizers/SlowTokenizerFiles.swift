import Foundation

/// Tokenizers for folders that have no `tokenizer.json`, only the files the "slow" Python tokenizers read, built as
/// transformers' converters (`convert_slow_tokenizer`) build them:
/// - `vocab.txt` (+ `tokenizer_config.json`, `special_tokens_map.json`): BERT's WordPiece — `BertNormalizer`
///   (lowercasing, accent stripping and Chinese characters from the config), `BertPreTokenizer`, `[CLS] A [SEP]` /
///   `[CLS] A [SEP] B [SEP]` with type ids 0 and 1, the WordPiece decoder;
/// - `vocab.json` + `merges.txt`: RoBERTa's byte-level BPE — `ByteLevel` (with `add_prefix_space` from the config),
///   `<s> A </s>` / `<s> A </s></s> B </s>`, `<mask>` taking the space before it;
/// - `sentencepiece.bpe.model`: XLM-R's and CamemBERT's Unigram; `spm.model`: DeBERTa-v2's and v3's
///   (`SentencePieceConversion.swift`).
/// Tokens of `added_tokens.json` are added after the vocabulary. The result is the tokenizer.json transformers would
/// write for the folder, parsed by `Tokenizer(json:)`, so every check of that path applies.
public enum SlowTokenizerFiles {
    /// The tokenizer of `folder`'s slow-tokenizer files; nil when it has none. A SentencePiece model of another
    /// family (`spiece.model`) is an error that says to add a `tokenizer.json`.
    public static func tokenizer(folder: String) throws(TokenizerError) -> Tokenizer? {
        let vocabText = folder + "/vocab.txt", vocabJSON = folder + "/vocab.json", merges = folder + "/merges.txt"
        let json: [String: Any]
        if exists(vocabText) {
            json = try wordPiece(vocab: vocabText, config: try options(folder))
        } else if exists(vocabJSON), exists(merges) {
            json = try byteLevelBPE(vocab: vocabJSON, merges: merges, config: try options(folder))
        } else if let name = sentencePieceFiles.first(where: { exists(folder + "/" + $0) }) {
            json = try sentencePiece(model: folder + "/" + name, folder: folder, config: try options(folder))
        } else {
            for name in ["spiece.model", "sentencepiece.model"] where exists(folder + "/" + name) {
                throw .fileUnreadable(
                    path: folder + "/" + name,
                    reason:
                        "SentencePiece models other than XLM-R's and CamemBERT's sentencepiece.bpe.model and DeBERTa-v2's spm.model are not converted; add the model's tokenizer.json (transformers writes it with save_pretrained)"
                )
            }
            return nil
        }
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: json) } catch {
            throw .malformed(path: folder, jsonPath: "", reason: "cannot assemble the tokenizer: \(error)")
        }
        return try Tokenizer(json: data, path: folder + " (converted from its slow-tokenizer files)")
    }

    /// `tokenizer_config.json` and `special_tokens_map.json` merged (the latter wins, as in transformers), plus the
    /// added tokens of `added_tokens.json`.
    struct Options {
        var values: [String: Any]
        var added: [(String, Int)]

        func bool(_ key: String, _ fallback: Bool) -> Bool { values[key] as? Bool ?? fallback }
        /// A special token's text: a string, or an object with `content` (AddedToken serialized).
        func token(_ key: String, _ fallback: String) -> String {
            if let s = values[key] as? String { return s }
            if let o = values[key] as? [String: Any], let s = o["content"] as? String { return s }
            return fallback
        }
        /// Whether a special token given as an AddedToken object takes the space before it (`lstrip`); a plain
        /// string does not (transformers 5).
        func lstrip(_ key: String) -> Bool { (values[key] as? [String: Any])?["lstrip"] as? Bool ?? false }
    }

    static func options(_ folder: String) throws(TokenizerError) -> Options {
        var values: [String: Any] = [:]
        for name in ["tokenizer_config.json", "special_tokens_map.json"] where exists(folder + "/" + name) {
            guard let object = try readJSON(folder + "/" + name) as? [String: Any] else {
                throw .malformed(path: folder + "/" + name, jsonPath: "", reason: "expected an object")
            }
            values.merge(object) { _, new in new }
        }
        var added: [(String, Int)] = []
        let addedPath = folder + "/added_tokens.json"
        if exists(addedPath) {
            guard let object = try readJSON(addedPath) as? [String: Any] else {
                throw .malformed(path: addedPath, jsonPath: "", reason: "expected an object of token: id")
            }
            for (token, value) in object {
                guard let id = (value as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }), id >= 0, id <= Int(Int32.max) else {
                    throw .malformed(path: addedPath, jsonPath: token, reason: "expected an id in 0...\(Int32.max)")
                }
                added.append((token, id))
            }
            added.sort { $0.1 < $1.1 }
        }
        return Options(values: values, added: added)
    }

    // MARK: WordPiece (BertConverter)

    static func wordPiece(vocab path: String, config: Options) throws(TokenizerError) -> [String: Any] {
        var vocab: [String: Int] = [:]
        // One token per line, ids in line order, only "\n" removed; a repeated token keeps its last id (as
        // transformers' load_vocab).
        for (index, token) in try lines(path).enumerated() { vocab[token] = index }
        guard !vocab.isEmpty else { throw .malformed(path: path, jsonPath: "", reason: "no tokens") }
        let lower = config.bool("do_lower_case", true)
        let strip: Any = config.values["strip_accents"] as? Bool ?? NSNull()
        let cls = config.token("cls_token", "[CLS]"), sep = config.token("sep_token", "[SEP]")
        let specials = [
            "pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]",
            "mask_token": "[MASK]",
        ].map { config.token($0.key, $0.value) }
        let unk = config.token("unk_token", "[UNK]")
        func id(_ token: String) throws(TokenizerError) -> Int {
            guard let id = vocab[token] else { throw .missingToken(token, context: "\(path) (a special token of the tokenizer config)") }
            return id
        }
        let template: [String: Any] = [
            "type": "TemplateProcessing",
            "single": [special(cls, 0), sequence("A", 0), special(sep, 0)],
            "pair": [special(cls, 0), sequence("A", 0), special(sep, 0), sequence("B", 1), special(sep, 1)],
            "special_tokens": [
                cls: ["id": cls, "ids": [try id(cls)], "tokens": [cls]],
                sep: ["id": sep, "ids": [try id(sep)], "tokens": [sep]],
            ],
        ]
        var addedTokens: [[String: Any]] = []
        for token in specials.sorted(by: { (vocab[$0] ?? .max) < (vocab[$1] ?? .max) }) {
            guard let tokenId = vocab[token] else { continue }
            if addedTokens.contains(where: { $0["content"] as? String == token }) { continue }
            addedTokens.append(addedToken(token, tokenId, special: true))
        }
        for (token, tokenId) in config.added where !addedTokens.contains(where: { $0["content"] as? String == token }) {
            addedTokens.append(addedToken(token, tokenId, special: false))
        }
        return [
            "version": "1.0",
            "added_tokens": addedTokens,
            "normalizer": [
                "type": "BertNormalizer", "clean_text": true,
                "handle_chinese_chars": config.bool("tokenize_chinese_chars", true), "strip_accents": strip,
                "lowercase": lower,
            ],
            "pre_tokenizer": ["type": "BertPreTokenizer"],
            "post_processor": template,
            "decoder": ["type": "WordPiece", "prefix": "##", "cleanup": true],
            "model": [
                "type": "WordPiece", "unk_token": unk, "continuing_subword_prefix": "##",
                "max_input_chars_per_word": 100, "vocab": vocab,
            ],
        ]
    }

    // MARK: Byte-level BPE (RobertaConverter)

    static func byteLevelBPE(vocab vocabPath: String, merges mergesPath: String, config: Options) throws(TokenizerError) -> [String: Any] {
        guard let vocabObject = try readJSON(vocabPath) as? [String: Any] else {
            throw .malformed(path: vocabPath, jsonPath: "", reason: "expected an object of token: id")
        }
        var vocab: [String: Int] = [:]
        for (token, value) in vocabObject {
            guard let id = (value as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }), id >= 0, id <= Int(Int32.max) else {
                throw .malformed(path: vocabPath, jsonPath: token, reason: "expected an id in 0...\(Int32.max)")
            }
            vocab[token] = id
        }
        var merges: [String] = []
        for (number, line) in try lines(mergesPath).enumerated() {
            var text = line
            if text.hasSuffix("\r") { text.removeLast() }
            if number == 0 && text.hasPrefix("#version") { continue }
            if text.isEmpty { continue }
            guard text.split(separator: " ").count == 2 else {
                throw .malformed(path: mergesPath, jsonPath: "line \(number + 1)", reason: "expected two tokens separated by a space")
            }
            merges.append(text)
        }
        let prefixSpace = config.bool("add_prefix_space", false)
        let trim = config.bool("trim_offsets", true)
        let bos = config.token("bos_token", "<s>"), eos = config.token("eos_token", "</s>")
        let cls = config.token("cls_token", bos), sep = config.token("sep_token", eos)
        let mask = config.token("mask_token", "<mask>")
        func id(_ token: String) throws(TokenizerError) -> Int {
            guard let id = vocab[token] else {
                throw .missingToken(token, context: "\(vocabPath) (a special token of the tokenizer config)")
            }
            return id
        }
        var addedTokens: [[String: Any]] = []
        for key in ["bos_token", "pad_token", "eos_token", "unk_token", "cls_token", "sep_token", "mask_token"] {
            let fallback =
                [
                    "bos_token": "<s>", "pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>",
                    "cls_token": bos, "sep_token": eos, "mask_token": "<mask>",
                ][key] ?? ""
            let token = config.token(key, fallback)
            guard let tokenId = vocab[token], !addedTokens.contains(where: { $0["content"] as? String == token }) else { continue }
            addedTokens.append(addedToken(token, tokenId, special: true, lstrip: token == mask && config.lstrip("mask_token")))
        }
        addedTokens.sort { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) }
        for (token, tokenId) in config.added where !addedTokens.contains(where: { $0["content"] as? String == token }) {
            addedTokens.append(addedToken(token, tokenId, special: false))
        }
        return [
            "version": "1.0",
            "added_tokens": addedTokens,
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": prefixSpace, "trim_offsets": true, "use_regex": true],
            "post_processor": [
                "type": "RobertaProcessing", "sep": [sep, try id(sep)], "cls": [cls, try id(cls)],
                "trim_offsets": trim, "add_prefix_space": prefixSpace,
            ],
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": [
                "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": "",
                "end_of_word_suffix": "", "fuse_unk": false, "byte_fallback": false, "vocab": vocab,
                "merges": merges,
            ],
        ]
    }

    // MARK: Pieces

    static func special(_ token: String, _ type: Int) -> [String: Any] { ["SpecialToken": ["id": token, "type_id": type]] }
    static func sequence(_ id: String, _ type: Int) -> [String: Any] { ["Sequence": ["id": id, "type_id": type]] }

    static func addedToken(_ content: String, _ id: Int, special: Bool, lstrip: Bool = false) -> [String: Any] {
        [
            "id": id, "content": content, "single_word": false, "lstrip": lstrip, "rstrip": false, "normalized": !special,
            "special": special,
        ]
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Files above this size are refused before reading (the largest published vocabularies are a few MB).
    static let maxFileBytes = 256 << 20

    static func readData(_ path: String) throws(TokenizerError) -> Data {
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
            guard size <= maxFileBytes else {
                throw TokenizerError.fileUnreadable(
                    path: path, reason: "\(size) bytes, more than the \(maxFileBytes) a tokenizer file may have")
            }
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as TokenizerError {
            throw error
        } catch {
            throw .fileUnreadable(path: path, reason: "\(error.localizedDescription)")
        }
    }

    /// The file's lines split at "\n" bytes (a "\r" before it stays, as Python's readlines), without the empty line
    /// after a final "\n"; each must be UTF-8.
    static func lines(_ path: String) throws(TokenizerError) -> [String] {
        let data = try readData(path)
        var parts = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        if data.last == 0x0A { parts.removeLast() }
        var result: [String] = []
        result.reserveCapacity(parts.count)
        for (number, part) in parts.enumerated() {
            guard let line = String(data: Data(part), encoding: .utf8) else {
                throw .malformed(path: path, jsonPath: "line \(number + 1)", reason: "not valid UTF-8")
            }
            result.append(line)
        }
        return result
    }

    static func readJSON(_ path: String) throws(TokenizerError) -> Any {
        do { return try JSONSerialization.jsonObject(with: try readData(path)) } catch let error as TokenizerError {
            throw error
        } catch {
            throw .malformed(path: path, jsonPath: "", reason: "not valid JSON")
        }
    }
}

import Foundation

/// Tokenizers built from a SentencePiece model as transformers 5's tokenizer classes build them from its pieces.
///
/// XLM-R's and CamemBERT's `sentencepiece.bpe.model` (`XLMRobertaTokenizer`, `CamembertTokenizer`):
/// - the Unigram vocabulary in fairseq's order: XLM-R puts `<s> <pad> </s> <unk>` before the pieces after the model's
///   first three (`<unk> <s> </s>`), so a piece's id is its SentencePiece id + 1; CamemBERT puts
///   `<s>NOTUSED <pad> </s>NOTUSED <unk> <unk>NOTUSED` (the last scored -100) before every piece but the first (+4);
///   both end with `<mask>`; unknown pieces map to id 3;
/// - the model's precompiled character map as the normalizer (none when it has none);
/// - `WhitespaceSplit` then `Metaspace` (`▁`, prepended unless `add_prefix_space` is false), the same decoder;
/// - `<s> A </s>` / `<s> A </s></s> B </s>`, every type id 0;
/// - the special tokens, the model's control pieces (special) and user-defined pieces as added tokens; CamemBERT's
///   `<mask>` takes the space before it unless the config says otherwise.
///
/// DeBERTa-v2's and v3's `spm.model` (`DebertaV2Tokenizer`, `tokenization_deberta_v2.py`):
/// - the pieces as they are, ids the SentencePiece ids (v3: `[PAD]` 0, `[CLS]` 1, `[SEP]` 2, `[UNK]` 3); the unknown id
///   is the first piece that is the config's `unk_token` with score 0, else the model's `unk_id`;
/// - `Lowercase` when `do_lower_case`, then with a charsmap `Precompiled`, `Strip` (right) and `Replace(" {2,}", " ")`,
///   without one `Replace("\s{2,}|[\n\r\t]", " ")`, `NFC` and `Strip` (right);
/// - `Punctuation` (isolated) when `split_by_punct`, then `Metaspace` (`▁`, prepend scheme `always`, or `first` when
///   `add_prefix_space` is false) with no whitespace split before it; the same decoder;
/// - `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]`, type ids 0 then 1 (from the B segment on);
/// - the model's control pieces and the special tokens (bos, eos, unk, sep, pad, cls, mask) as special added tokens
///   matched on the raw text; one not among the pieces (`[MASK]`) gets the next id after them.
///
/// Which class a folder holds comes from `tokenizer_config.json`'s `tokenizer_class` or `config.json`'s
/// `model_type`, as transformers' AutoTokenizer decides; each reads its own file name.
extension SlowTokenizerFiles {
    enum SentencePieceLayout: String {
        case xlmRoberta = "XLMRobertaTokenizer"
        case camembert = "CamembertTokenizer"
        case debertaV2 = "DebertaV2Tokenizer"

        /// The model file the class reads.
        var fileName: String { self == .debertaV2 ? "spm.model" : "sentencepiece.bpe.model" }
    }

    /// The SentencePiece model files converted, in the order they are looked for.
    static let sentencePieceFiles = ["sentencepiece.bpe.model", "spm.model"]

    static func sentencePieceLayout(folder: String, model path: String, config: Options) throws(TokenizerError) -> SentencePieceLayout {
        let file = (path as NSString).lastPathComponent
        let classes = file == "spm.model" ? "DebertaV2Tokenizer" : "XLMRobertaTokenizer and CamembertTokenizer"
        if let name = config.values["tokenizer_class"] as? String {
            let base = name.hasSuffix("Fast") ? String(name.dropLast(4)) : name
            guard let layout = SentencePieceLayout(rawValue: base), layout.fileName == file else {
                throw .malformed(
                    path: folder + "/tokenizer_config.json", jsonPath: "tokenizer_class",
                    reason: "\(name) with \(path): BertKit converts \(file) models of \(classes)")
            }
            return layout
        }
        let configPath = folder + "/config.json"
        if exists(configPath), let object = try readJSON(configPath) as? [String: Any], let type = object["model_type"] as? String {
            let layout: SentencePieceLayout? =
                switch type {
                case "xlm-roberta", "xlm_roberta": .xlmRoberta
                case "camembert": .camembert
                case "deberta-v2", "deberta_v2": .debertaV2
                default: nil
                }
            guard let layout, layout.fileName == file else {
                throw .malformed(
                    path: configPath, jsonPath: "model_type",
                    reason:
                        "\(type) with \(path): BertKit converts \(file) models of "
                        + (file == "spm.model" ? "deberta-v2" : "xlm-roberta and camembert"))
            }
            return layout
        }
        throw .fileUnreadable(
            path: path,
            reason: file == "spm.model"
                ? "cannot tell the tokenizer class: tokenizer_config.json names no tokenizer_class and config.json no model_type (DeBERTa-v2's is deberta-v2)"
                : "cannot tell XLM-R's layout of its ids from CamemBERT's: tokenizer_config.json names no tokenizer_class and config.json no model_type"
        )
    }

    static func sentencePiece(model path: String, folder: String, config: Options) throws(TokenizerError) -> [String: Any] {
        let layout = try sentencePieceLayout(folder: folder, model: path, config: config)
        let model: SentencePieceModel
        do { model = try SentencePieceModel(bytes: [UInt8](try readData(path))) } catch let failure as ProtobufReader.Failure {
            throw .malformed(path: path, jsonPath: "", reason: "not a SentencePiece model: \(failure.reason)")
        } catch let error as TokenizerError {
            throw error
        } catch {
            throw .fileUnreadable(path: path, reason: "\(error)")
        }
        if layout == .debertaV2 { return try debertaV2(model, path: path, config: config) }
        guard model.modelType == .unigram else {
            throw .malformed(
                path: path, jsonPath: "trainer_spec.model_type",
                reason: "\(model.modelType) model; XLM-R and CamemBERT use unigram ones")
        }
        let skipped = layout == .xlmRoberta ? 3 : 1
        guard model.pieces.count > skipped else {
            throw .malformed(path: path, jsonPath: "pieces", reason: "\(model.pieces.count) pieces, too few for \(layout.rawValue)")
        }
        let bos = config.token("bos_token", "<s>"), eos = config.token("eos_token", "</s>")
        let pad = config.token("pad_token", "<pad>"), unk = config.token("unk_token", "<unk>")
        let mask = config.token("mask_token", "<mask>")
        var vocab: [(String, Double)] =
            layout == .xlmRoberta
            ? [(bos, 0), (pad, 0), (eos, 0), (unk, 0)]
            : [("<s>NOTUSED", 0), (pad, 0), ("</s>NOTUSED", 0), (unk, 0), ("<unk>NOTUSED", -100)]
        vocab += model.pieces[skipped...].map { ($0.text, Double($0.score)) }
        vocab.append((mask, 0))
        // A repeated token resolves to its last id, as HF's Unigram builds its token map.
        var ids: [String: Int] = [:]
        for (index, entry) in vocab.enumerated() { ids[entry.0] = index }
        func id(_ token: String) throws(TokenizerError) -> Int {
            guard let id = ids[token] else { throw .missingToken(token, context: "\(path) (a special token of the tokenizer config)") }
            return id
        }
        let unkId = vocab.firstIndex { $0.0 == unk } ?? 0
        let maskLstrip = config.values["mask_token"] is [String: Any] ? config.lstrip("mask_token") : layout == .camembert
        var added: [[String: Any]] = []
        func add(_ token: String, special: Bool, lstrip: Bool = false) throws(TokenizerError) {
            guard !added.contains(where: { $0["content"] as? String == token }) else { return }
            var entry = addedToken(token, try id(token), special: special, lstrip: lstrip)
            entry["normalized"] = false
            added.append(entry)
        }
        for token in [bos, pad, eos, unk] { try add(token, special: true) }
        try add(mask, special: true, lstrip: maskLstrip)
        // Control pieces renamed by the layout (XLM-R's first three, when the config names other special tokens) are
        // not in the vocabulary any more and are left out.
        for piece in model.pieces where (piece.type == .control || piece.type == .userDefined) && ids[piece.text] != nil {
            try add(piece.text, special: piece.type == .control)
        }
        for (token, tokenId) in config.added where !added.contains(where: { $0["content"] as? String == token }) {
            added.append(addedToken(token, tokenId, special: false))
        }
        added.sort { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) }
        let scheme = config.bool("add_prefix_space", true) ? "always" : "never"
        let metaspace: [String: Any] = ["type": "Metaspace", "replacement": "▁", "prepend_scheme": scheme, "split": true]
        let normalizer: Any =
            model.precompiledCharsmap.isEmpty
            ? NSNull() : ["type": "Precompiled", "precompiled_charsmap": Data(model.precompiledCharsmap).base64EncodedString()]
        return [
            "version": "1.0",
            "added_tokens": added,
            "normalizer": normalizer,
            "pre_tokenizer": ["type": "Sequence", "pretokenizers": [["type": "WhitespaceSplit"], metaspace]],
            "post_processor": [
                "type": "TemplateProcessing",
                "single": [special(bos, 0), sequence("A", 0), special(eos, 0)],
                "pair": [special(bos, 0), sequence("A", 0), special(eos, 0), special(eos, 0), sequence("B", 0), special(eos, 0)],
                "special_tokens": [
                    bos: ["id": bos, "ids": [try id(bos)], "tokens": [bos]],
                    eos: ["id": eos, "ids": [try id(eos)], "tokens": [eos]],
                ],
            ] as [String: Any],
            "decoder": metaspace,
            "model": ["type": "Unigram", "unk_id": unkId, "vocab": vocab.map { [$0.0, $0.1] as [Any] }, "byte_fallback": false]
                as [String: Any],
        ]
    }

    /// DeBERTa-v2/v3 (see above). transformers reads every model as Unigram (the class's model), whatever its trainer
    /// says, and so does this.
    static func debertaV2(_ model: SentencePieceModel, path: String, config: Options) throws(TokenizerError) -> [String: Any] {
        guard !model.pieces.isEmpty else { throw .malformed(path: path, jsonPath: "pieces", reason: "no pieces") }
        let bos = config.token("bos_token", "[CLS]"), eos = config.token("eos_token", "[SEP]")
        let unk = config.token("unk_token", "[UNK]"), sep = config.token("sep_token", "[SEP]")
        let pad = config.token("pad_token", "[PAD]"), cls = config.token("cls_token", "[CLS]")
        let mask = config.token("mask_token", "[MASK]")
        let vocab: [(String, Double)] = model.pieces.map { ($0.text, Double($0.score)) }
        let unkId = vocab.firstIndex { $0.0 == unk && $0.1 == 0 } ?? Int(model.unkId)
        guard vocab.indices.contains(unkId) else {
            throw .malformed(
                path: path, jsonPath: "trainer_spec.unk_id",
                reason: "unknown-piece id \(unkId) outside the \(vocab.count) pieces, and no piece is \(unk)")
        }
        // A repeated piece resolves to its last id, as HF's Unigram builds its token map.
        var ids: [String: Int] = [:]
        for (index, entry) in vocab.enumerated() { ids[entry.0] = index }
        var added: [[String: Any]] = []
        var addedIds: [String: Int] = [:]
        var next = vocab.count
        func add(_ token: String, lstrip: Bool = false) {
            guard addedIds[token] == nil else { return }
            let tokenId: Int
            if let known = ids[token] {
                tokenId = known
            } else {
                tokenId = next
                next += 1
            }
            addedIds[token] = tokenId
            added.append(addedToken(token, tokenId, special: true, lstrip: lstrip))
        }
        for piece in model.pieces where piece.type == .control { add(piece.text) }
        for (key, token) in [
            ("bos_token", bos), ("eos_token", eos), ("unk_token", unk), ("sep_token", sep), ("pad_token", pad),
            ("cls_token", cls), ("mask_token", mask),
        ] {
            add(token, lstrip: config.lstrip(key))
        }
        for (token, tokenId) in config.added where addedIds[token] == nil {
            addedIds[token] = tokenId
            added.append(addedToken(token, tokenId, special: false))
        }
        added.sort { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) }
        func id(_ token: String) -> Int { addedIds[token] ?? 0 }

        var normalizers: [[String: Any]] = []
        if config.bool("do_lower_case", false) { normalizers.append(["type": "Lowercase"]) }
        let right: [String: Any] = ["type": "Strip", "strip_left": false, "strip_right": true]
        if model.precompiledCharsmap.isEmpty {
            normalizers += [
                ["type": "Replace", "pattern": ["Regex": "\\s{2,}|[\\n\\r\\t]"], "content": " "], ["type": "NFC"], right,
            ]
        } else {
            normalizers += [
                ["type": "Precompiled", "precompiled_charsmap": Data(model.precompiledCharsmap).base64EncodedString()], right,
                ["type": "Replace", "pattern": ["Regex": " {2,}"], "content": " "],
            ]
        }
        let scheme = config.bool("add_prefix_space", true) ? "always" : "first"
        let metaspace: [String: Any] = ["type": "Metaspace", "replacement": "▁", "prepend_scheme": scheme, "split": true]
        var preTokenizers: [[String: Any]] = []
        if config.bool("split_by_punct", false) { preTokenizers.append(["type": "Punctuation", "behavior": "Isolated"]) }
        preTokenizers.append(metaspace)
        return [
            "version": "1.0",
            "added_tokens": added,
            "normalizer": ["type": "Sequence", "normalizers": normalizers],
            "pre_tokenizer": ["type": "Sequence", "pretokenizers": preTokenizers],
            "post_processor": [
                "type": "TemplateProcessing",
                "single": [special(cls, 0), sequence("A", 0), special(sep, 0)],
                "pair": [special(cls, 0), sequence("A", 0), special(sep, 0), sequence("B", 1), special(sep, 1)],
                "special_tokens": [
                    cls: ["id": cls, "ids": [id(cls)], "tokens": [cls]],
                    sep: ["id": sep, "ids": [id(sep)], "tokens": [sep]],
                ],
            ] as [String: Any],
            "decoder": metaspace,
            "model": ["type": "Unigram", "unk_id": unkId, "vocab": vocab.map { [$0.0, $0.1] as [Any] }, "byte_fallback": false]
                as [String: Any],
        ]
    }
}

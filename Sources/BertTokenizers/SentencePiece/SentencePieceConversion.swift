import Foundation

/// XLM-R's and CamemBERT's tokenizers built from `sentencepiece.bpe.model`, as transformers 5's tokenizer classes
/// (`XLMRobertaTokenizer`, `CamembertTokenizer`) build them from the model's pieces:
/// - the Unigram vocabulary in fairseq's order: XLM-R puts `<s> <pad> </s> <unk>` before the pieces after the model's
///   first three (`<unk> <s> </s>`), so a piece's id is its SentencePiece id + 1; CamemBERT puts
///   `<s>NOTUSED <pad> </s>NOTUSED <unk> <unk>NOTUSED` (the last scored -100) before every piece but the first (+4);
///   both end with `<mask>`; unknown pieces map to id 3;
/// - the model's precompiled character map as the normalizer (none when it has none);
/// - `WhitespaceSplit` then `Metaspace` (`▁`, prepended unless `add_prefix_space` is false), the same decoder;
/// - `<s> A </s>` / `<s> A </s></s> B </s>`, every type id 0;
/// - the special tokens, the model's control pieces (special) and user-defined pieces as added tokens; CamemBERT's
///   `<mask>` takes the space before it unless the config says otherwise.
/// Which of the two a folder holds comes from `tokenizer_config.json`'s `tokenizer_class` or `config.json`'s
/// `model_type`, as transformers' AutoTokenizer decides.
extension SlowTokenizerFiles {
    enum SentencePieceLayout: String {
        case xlmRoberta = "XLMRobertaTokenizer"
        case camembert = "CamembertTokenizer"
    }

    static func sentencePieceLayout(folder: String, model path: String, config: Options) throws(TokenizerError) -> SentencePieceLayout {
        if let name = config.values["tokenizer_class"] as? String {
            let base = name.hasSuffix("Fast") ? String(name.dropLast(4)) : name
            guard let layout = SentencePieceLayout(rawValue: base) else {
                throw .malformed(
                    path: folder + "/tokenizer_config.json", jsonPath: "tokenizer_class",
                    reason: "\(name) with \(path): BertKit converts SentencePiece models of XLMRobertaTokenizer and CamembertTokenizer")
            }
            return layout
        }
        let configPath = folder + "/config.json"
        if exists(configPath), let object = try readJSON(configPath) as? [String: Any], let type = object["model_type"] as? String {
            switch type {
            case "xlm-roberta", "xlm_roberta": return .xlmRoberta
            case "camembert": return .camembert
            default:
                throw .malformed(
                    path: configPath, jsonPath: "model_type",
                    reason: "\(type) with \(path): BertKit converts SentencePiece models of xlm-roberta and camembert")
            }
        }
        throw .fileUnreadable(
            path: path,
            reason:
                "cannot tell XLM-R's layout of its ids from CamemBERT's: tokenizer_config.json names no tokenizer_class and config.json no model_type"
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
}

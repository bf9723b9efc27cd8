import Foundation

/// DeBERTa's disentangled attention as `config.json` sets it up (`modeling_deberta_v2.py`): besides content to
/// content, each query's content against the key's relative position (c2p) and each key's content against the
/// query's relative position (p2c), through `2 · span` relative-position embeddings shared by every layer.
public struct DisentangledAttention: Sendable, Equatable {
    /// The content-to-position term (`c2p` in `pos_att_type`).
    public var contentToPosition: Bool
    /// The position-to-content term (`p2c`).
    public var positionToContent: Bool
    /// `position_buckets` (0: distances are not log-bucketed, only clamped).
    public var buckets: Int
    /// `max_relative_positions`, resolved (transformers: the position table's size when below 1).
    public var maxRelativePositions: Int
    /// Half the relative-embedding rows (`pos_ebd_size`): `position_buckets` when set, else `max_relative_positions`.
    public var span: Int { buckets > 0 ? buckets : maxRelativePositions }
    /// Q and K of the positions come from the layer's own `query_proj`/`key_proj` (`share_att_key`), else from
    /// `pos_query_proj`/`pos_key_proj`.
    public var shareKey: Bool
    /// The relative embeddings go through `encoder.LayerNorm` first (`norm_rel_ebd: layer_norm`).
    public var normalizeEmbeddings: Bool

    /// The bucketed relative position of a query `relative = i − j` positions after its key (transformers'
    /// `make_log_bucket_position` when `position_buckets` is set: exact within half the buckets, logarithmic beyond,
    /// in float32 as torch computes it; else the distance itself).
    public func bucket(_ relative: Int) -> Int {
        guard buckets > 0 else { return relative }
        let mid = buckets / 2
        let distance = abs(relative)
        guard distance > mid else { return relative }
        let ratio = Foundation.log(Float(distance) / Float(mid)) / Foundation.log(Float(maxRelativePositions - 1) / Float(mid))
        let position = Int((ratio * Float(mid - 1)).rounded(.up)) + mid
        return relative < 0 ? -position : position
    }

    /// The relative-embedding row of a query `relative = i − j` positions after its key: its bucket moved by
    /// `span` and clamped to the table, as both the c2p and the p2c gathers index it.
    public func row(_ relative: Int) -> Int { min(max(bucket(relative) + span, 0), 2 * span - 1) }
}

extension BertConfig {
    /// DeBERTa-v2's fields: `relative_attention`, `pos_att_type`, `position_buckets`, `max_relative_positions`,
    /// `share_att_key`, `norm_rel_ebd`, `position_biased_input`; the variants BertKit does not run are refused
    /// naming their field.
    mutating func readDisentangled(_ json: JSONObject, path: String) throws {
        func refuse(_ field: String, _ reason: String) -> ModelIOError { .invalidConfig(path: path, field: field, reason: reason) }
        positionBiasedInput = try json.bool("position_biased_input") ?? true
        let types: [String]
        if json.values["pos_att_type"] is String, let text = try json.string("pos_att_type") {
            types = text.lowercased().split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        } else if let list = try json.array("pos_att_type") {
            guard let strings = list as? [String] else { throw refuse("pos_att_type", "expected a list of strings") }
            types = strings.map { $0.lowercased() }
        } else {
            types = []
        }
        for type in types where type != "c2p" && type != "p2c" {
            throw refuse("pos_att_type", "'\(type)' is not supported; only c2p and p2c (DeBERTa-v2/v3)")
        }
        attentionScaleFactor = 1 + Set(types).count
        if let kernel = try json.int("conv_kernel_size"), kernel > 0 {
            throw refuse("conv_kernel_size", "\(kernel): the convolution after the first layer (DeBERTa-v2 xlarge) is not supported")
        }
        if let size = try json.int("embedding_size"), size != hiddenSize {
            throw refuse("embedding_size", "\(size) differs from hidden_size \(hiddenSize): the embedding projection is not supported")
        }
        if let act = try json.string("pooler_hidden_act"), act != "gelu" {
            throw refuse("pooler_hidden_act", "'\(act)' is not supported; only gelu (every published DeBERTa classifier)")
        }
        if let size = try json.int("pooler_hidden_size"), size != hiddenSize {
            throw refuse("pooler_hidden_size", "\(size) differs from hidden_size \(hiddenSize)")
        }
        guard try json.bool("relative_attention") ?? false, !types.isEmpty else { return }
        let norms = (try json.string("norm_rel_ebd") ?? "none").lowercased().split(separator: "|").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        for norm in norms where norm != "layer_norm" && norm != "none" {
            throw refuse("norm_rel_ebd", "'\(norm)' is not supported; only layer_norm or none")
        }
        var maximum = try json.int("max_relative_positions") ?? -1
        if maximum < 1 { maximum = maxPositionEmbeddings }
        let buckets = max(try json.int("position_buckets") ?? -1, 0)
        guard buckets == 0 || buckets >= 2, maximum > buckets / 2 + 1 || buckets == 0 else {
            throw refuse("position_buckets", "\(buckets) does not fit max_relative_positions \(maximum)")
        }
        disentangled = DisentangledAttention(
            contentToPosition: types.contains("c2p"), positionToContent: types.contains("p2c"), buckets: buckets,
            maxRelativePositions: maximum, shareKey: try json.bool("share_att_key") ?? false,
            normalizeEmbeddings: norms.contains("layer_norm"))
    }
}

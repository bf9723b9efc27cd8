extension ComponentFactory {
    static func decoder(_ node: JSONNode) throws(TokenizerError) -> any Decoder {
        let type = try node.typeTag
        switch type {
        case "WordPiece":
            return WordPieceDecoder(prefix: try node.optionalString("prefix") ?? "##", cleanup: try node.bool("cleanup", default: true))
        case "ByteLevel": return ByteLevelDecoder()
        case "Metaspace": return MetaspaceDecoder(replacement: try replacement(node), prependScheme: try prependScheme(node))
        case "BPEDecoder": return BPEDecoder(suffix: try node.optionalString("suffix") ?? "</w>")
        case "ByteFallback": return ByteFallbackDecoder()
        case "Fuse": return FuseDecoder()
        case "Strip":
            let field = try node.field("content")
            guard let c = try field.string.first else { throw field.error("expected a character") }
            return StripDecoder(content: c, start: try node.optionalInt("start") ?? 0, stop: try node.optionalInt("stop") ?? 0)
        case "Replace":
            return ReplaceDecoder(pattern: try pattern(node.field("pattern")), content: try node.string("content"))
        case "CTC":
            return CTCDecoder(
                padToken: try node.optionalString("pad_token") ?? "<pad>",
                wordDelimiterToken: try node.optionalString("word_delimiter_token") ?? "|",
                cleanup: try node.bool("cleanup", default: true))
        case "Sequence":
            return SequenceDecoder(decoders: try node.field("decoders").array.map { (n) throws(TokenizerError) in try decoder(n) })
        default:
            throw node.unsupported("decoder", type)
        }
    }
}

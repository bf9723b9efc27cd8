/// A table of the report, rendered both as Markdown and as HTML.
public struct ReportTable: Sendable, Equatable {
    public var title: String
    /// A sentence under the title saying how to read it.
    public var caption: String
    public var header: [String]
    public var rows: [[String]]

    /// Markdown: a heading, the caption, a pipe table.
    public func markdown() -> String {
        var out = "### \(title)\n\n\(caption)\n\n"
        out += "| " + header.joined(separator: " | ") + " |\n"
        out += "|" + header.enumerated().map { $0.offset == 0 ? "---" : "---:" }.joined(separator: "|") + "|\n"
        for row in rows { out += "| " + row.joined(separator: " | ") + " |\n" }
        return out + "\n"
    }

    /// HTML: a section with a heading, the caption and a table.
    public func html() -> String {
        var out = "<section>\n<h3>\(escape(title))</h3>\n<p>\(escape(caption))</p>\n<table>\n<thead><tr>"
        out += header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows { out += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
        return out + "</tbody>\n</table>\n</section>\n"
    }
}

/// One section of a report: an anchor id (the browser check looks for it), a heading, its HTML and the plots it can
/// also save as standalone SVG files.
public protocol ReportSection {
    /// The section element's id, e.g. `roc`.
    var id: String { get }
    var title: String { get }
    /// The section's inner HTML (plots inline as SVG), every user text escaped.
    func body() -> String
    /// Its plots as standalone SVG documents, by file stem (`roc`, `det`, …).
    func plots() -> [(name: String, svg: String)]
}

extension ReportSection {
    public func plots() -> [(name: String, svg: String)] { [] }
    /// The section element.
    public func html() -> String {
        "<section id=\"\(Markup.escape(id))\">\n<h2>\(Markup.escape(title))</h2>\n\(body())\n</section>"
    }
}

/// Small HTML helpers shared by the sections.
enum HTML {
    /// A two-column table of names and values (both escaped).
    static func table(_ rows: [(String, String)], header: (String, String)? = nil) -> String {
        var out = "<table>"
        if let header { out += "<thead><tr><th>\(Markup.escape(header.0))</th><th>\(Markup.escape(header.1))</th></tr></thead>" }
        out += "<tbody>" + rows.map { "<tr><td>\(Markup.escape($0.0))</td><td>\(Markup.escape($0.1))</td></tr>" }.joined() + "</tbody></table>"
        return out
    }
    /// A paragraph of escaped text in the muted style.
    static func note(_ text: String) -> String { "<p class=\"note\">\(Markup.escape(text))</p>" }
    /// Plots side by side.
    static func figures(_ svgs: [String]) -> String { "<div class=\"figures\">" + svgs.map { "<figure>\($0)</figure>" }.joined() + "</div>" }
}

import Foundation

/// Escaping and number formatting for text placed in HTML and SVG.
///
/// Every piece of user text (class names, file names, sentences, recipe values) goes through ``escape(_:)``
/// before it reaches the document, so a class called `<script>` shows as text and never runs.
public enum Markup {
    /// `&`, `<`, `>`, `"` and `'` as character references; other control characters than tab and newline become
    /// spaces (they are not allowed in XML).
    public static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for c in text.unicodeScalars {
            switch c {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            default:
                if (c.value < 0x20 && c != "\n" && c != "\t") || c.value == 0x7F { out.append(" ") } else { out.append(c) }
            }
        }
        return String(out)
    }

    /// A coordinate with two decimals (enough for a screen, and short).
    static func coordinate(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        return String(format: "%.2f", v)
    }

    /// A value for a table or a label: four significant digits, or an integer as is.
    public static func value(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "–" : (v > 0 ? "∞" : "−∞") }
        if v == v.rounded(), abs(v) < 1e9 { return String(Int(v)) }
        return String(format: "%.4g", v)
    }

    /// A fraction as a percentage with one decimal.
    public static func percent(_ v: Double) -> String { String(format: "%.1f %%", 100 * v) }
}

import Foundation

/// BERT's pre-tokenisation (Hugging Face `BasicTokenizer` / the `tokenizers` `BertNormalizer` +
/// `BertPreTokenizer`): removes NUL, U+FFFD and control characters and maps every whitespace to a space, puts spaces
/// around CJK ideographs, lower-cases and strips accents (NFD, then drops non-spacing marks), then splits on
/// whitespace and around each punctuation character.
///
/// Punctuation is what BERT's `_is_punctuation` calls so: every ASCII non-alphanumeric printable character
/// (`!`–`/`, `:`–`@`, `[`–`` ` ``, `{`–`~`, so `$`, `+`, `^` too) and every Unicode `P*` category.
public struct BasicTokenizer: Sendable, Equatable {
    /// Lower-case the text (`do_lower_case`, default `true`).
    public var lowercase: Bool
    /// Strip accents; `nil` follows `lowercase`, as BERT does (`strip_accents`, default `nil`).
    public var stripAccents: Bool?
    /// Put spaces around CJK ideographs (`tokenize_chinese_chars`, default `true`).
    public var tokenizeChineseCharacters: Bool

    public init(lowercase: Bool = true, stripAccents: Bool? = nil, tokenizeChineseCharacters: Bool = true) {
        self.lowercase = lowercase; self.stripAccents = stripAccents; self.tokenizeChineseCharacters = tokenizeChineseCharacters
    }

    /// The words of `text`, normalised, in order.
    public func split(_ text: String) -> [String] {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0 || v == 0xFFFD || Self.isControl(scalar) { continue }
            if Self.isWhitespace(scalar) { cleaned.append(" "); continue }
            if tokenizeChineseCharacters && Self.isCJK(v) {
                cleaned.append(" "); cleaned.append(scalar); cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        var words: [String] = []
        let strip = stripAccents ?? lowercase
        for piece in String(cleaned).split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(piece)
            if lowercase { word = word.lowercased() }
            if strip {
                var kept = String.UnicodeScalarView()
                for scalar in word.decomposedStringWithCanonicalMapping.unicodeScalars
                where scalar.properties.generalCategory != .nonspacingMark {
                    kept.append(scalar)
                }
                word = String(kept)
            }
            // Split around punctuation: each punctuation character is a word of its own.
            var current = String.UnicodeScalarView()
            for scalar in word.unicodeScalars {
                if Self.isPunctuation(scalar) {
                    if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
                    words.append(String(scalar))
                } else if Self.isWhitespace(scalar) {
                    // Lower-casing or decomposition never makes whitespace, but stay safe.
                    if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
                } else {
                    current.append(scalar)
                }
            }
            if !current.isEmpty { words.append(String(current)) }
        }
        return words
    }

    /// Space, tab, newline, carriage return, or a `Zs` character.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        default: return s.properties.generalCategory == .spaceSeparator
        }
    }

    /// A `C*` category character other than tab, newline and carriage return.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A, 0x0D: return false
        default:
            switch s.properties.generalCategory {
            case .control, .format, .unassigned, .privateUse, .surrogate: return true
            default: return false
            }
        }
    }

    /// BERT's `_is_punctuation`.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// The CJK Unified Ideographs blocks BERT treats as single-character words.
    static func isCJK(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}

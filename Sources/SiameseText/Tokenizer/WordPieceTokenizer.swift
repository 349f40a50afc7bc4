import Foundation

/// BERT's uncased WordPiece tokenizer (Hugging Face `BertTokenizer`): ``BasicTokenizer`` words, then each word split
/// greedily into the longest vocabulary pieces from its start, continuation pieces prefixed with `##`; a word with
/// no such split, or longer than ``maxInputCharactersPerWord`` (100) characters, becomes `[UNK]`. Encodings are
/// `[CLS] pieces [SEP]`, truncated to a maximum length (the number of dropped pieces is reported).
///
/// ```swift
/// let tokenizer = try WordPieceTokenizer(folder: modelFolder)      // vocab.txt + tokenizer_config.json
/// let encoding = tokenizer.encode("A man is playing a guitar.", maxLength: 256)
/// encoding.ids      // [101, 1037, 2158, 2003, 2652, 1037, 2858, 1012, 102]
/// ```
public struct WordPieceTokenizer: Sendable {
    /// Tokens by id (the lines of `vocab.txt`).
    public let tokens: [String]
    /// Ids by token.
    public let ids: [String: Int]
    /// The normalisation and pre-tokenisation.
    public var basic: BasicTokenizer
    /// Words longer than this many characters (Unicode scalars) become `[UNK]` (`max_input_chars_per_word`, 100).
    public var maxInputCharactersPerWord: Int
    /// Prefix of continuation pieces (`##`).
    public let continuationPrefix = "##"
    /// Ids of the special tokens.
    public let unknownID: Int, classifierID: Int, separatorID: Int, paddingID: Int

    /// A tokenizer over `vocabulary` (token `i` has id `i`); `source` names the vocabulary in errors.
    ///
    /// - Throws: ``TextError/missingSpecialToken(path:token:)`` when `[UNK]`, `[CLS]`, `[SEP]` or `[PAD]` is absent,
    ///   ``TextError/malformedFile(path:reason:)`` for an empty vocabulary.
    public init(vocabulary: [String], basic: BasicTokenizer = BasicTokenizer(), maxInputCharactersPerWord: Int = 100,
                unknownToken: String = "[UNK]", classifierToken: String = "[CLS]", separatorToken: String = "[SEP]",
                paddingToken: String = "[PAD]", source: String = "vocabulary") throws {
        guard !vocabulary.isEmpty else { throw TextError.malformedFile(path: source, reason: "the vocabulary is empty") }
        var ids: [String: Int] = [:]
        ids.reserveCapacity(vocabulary.count)
        // The first occurrence of a duplicated line wins, as in BERT's load_vocab (which keeps the last; the
        // standard vocabularies have no duplicates).
        for (i, token) in vocabulary.enumerated() where ids[token] == nil { ids[token] = i }
        func id(_ token: String) throws -> Int {
            guard let i = ids[token] else { throw TextError.missingSpecialToken(path: source, token: token) }
            return i
        }
        self.tokens = vocabulary; self.ids = ids; self.basic = basic
        self.maxInputCharactersPerWord = maxInputCharactersPerWord
        self.unknownID = try id(unknownToken); self.classifierID = try id(classifierToken)
        self.separatorID = try id(separatorToken); self.paddingID = try id(paddingToken)
    }

    /// Reads a `vocab.txt` (one token a line, UTF-8).
    public init(vocabularyFile url: URL, basic: BasicTokenizer = BasicTokenizer()) throws {
        try self.init(vocabulary: Self.readVocabulary(url), basic: basic, source: url.path)
    }

    /// Reads `vocab.txt` and, when present, `tokenizer_config.json` (`do_lower_case`, `strip_accents`,
    /// `tokenize_chinese_chars`, the special tokens) from a model folder.
    ///
    /// - Throws: ``TextError`` naming the file: missing vocabulary, invalid JSON, an unsupported option
    ///   (`do_basic_tokenize: false`, `never_split`, a `tokenizer_class` other than BERT's).
    public init(folder: URL) throws {
        let vocabURL = folder.appendingPathComponent("vocab.txt")
        let configURL = folder.appendingPathComponent("tokenizer_config.json")
        var basic = BasicTokenizer()
        var special = (unk: "[UNK]", cls: "[CLS]", sep: "[SEP]", pad: "[PAD]")
        if FileManager.default.fileExists(atPath: configURL.path) {
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) } catch {
                throw TextError.malformedFile(path: configURL.path, reason: "not valid JSON")
            }
            guard let config = object as? [String: Any] else {
                throw TextError.malformedFile(path: configURL.path, reason: "not a JSON object")
            }
            func flag(_ key: String) throws -> Bool? {
                guard let value = config[key], !(value is NSNull) else { return nil }
                guard let number = value as? NSNumber, number == 0 || number == 1 else {
                    throw TextError.malformedFile(path: configURL.path, reason: "\(key) is not true, false or null")
                }
                return number.boolValue
            }
            func token(_ key: String, _ fallback: String) throws -> String {
                guard let value = config[key], !(value is NSNull) else { return fallback }
                if let s = value as? String { return s }
                if let d = value as? [String: Any], let s = d["content"] as? String { return s }
                throw TextError.malformedFile(path: configURL.path, reason: "\(key) is not a token string")
            }
            if let lower = try flag("do_lower_case") { basic.lowercase = lower }
            basic.stripAccents = try flag("strip_accents")
            if let cjk = try flag("tokenize_chinese_chars") { basic.tokenizeChineseCharacters = cjk }
            if try flag("do_basic_tokenize") == false {
                throw TextError.unsupportedOption(path: configURL.path, field: "do_basic_tokenize", value: "false")
            }
            if let neverSplit = config["never_split"], !(neverSplit is NSNull), !((neverSplit as? [Any])?.isEmpty ?? false) {
                throw TextError.unsupportedOption(path: configURL.path, field: "never_split", value: "\(neverSplit)")
            }
            if let cls = config["tokenizer_class"] as? String, !["BertTokenizer", "BertTokenizerFast"].contains(cls) {
                throw TextError.unsupportedOption(path: configURL.path, field: "tokenizer_class", value: cls)
            }
            special = (try token("unk_token", special.unk), try token("cls_token", special.cls),
                       try token("sep_token", special.sep), try token("pad_token", special.pad))
        }
        try self.init(vocabulary: Self.readVocabulary(vocabURL), basic: basic, unknownToken: special.unk,
                      classifierToken: special.cls, separatorToken: special.sep, paddingToken: special.pad,
                      source: vocabURL.path)
    }

    /// The lines of a `vocab.txt`, each stripped of trailing whitespace (BERT's `load_vocab`).
    public static func readVocabulary(_ url: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: url.path) else { throw TextError.missingFile(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TextError.malformedFile(path: url.path, reason: "cannot read (\(error.localizedDescription))")
        }
        guard let text = String(validatingUTF8Data: data) else { throw TextError.invalidUTF8(source: url.path) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var s = Substring(line)
            while let last = s.unicodeScalars.last, BasicTokenizer.isWhitespace(last) { s = s.dropLast() }
            return String(s)
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw TextError.malformedFile(path: url.path, reason: "the vocabulary is empty") }
        return lines
    }

    /// The WordPiece pieces of `text` (no `[CLS]`/`[SEP]`).
    public func tokenize(_ text: String) -> [String] {
        pieceIDs(text).map { tokens[$0] }
    }

    /// The ids of the WordPiece pieces of `text` (no `[CLS]`/`[SEP]`).
    public func pieceIDs(_ text: String) -> [Int] {
        var out: [Int] = []
        for word in basic.split(text) { appendPieces(of: word, to: &out) }
        return out
    }

    private func appendPieces(of word: String, to out: inout [Int]) {
        let scalars = Array(word.unicodeScalars)
        if scalars.count > maxInputCharactersPerWord { out.append(unknownID); return }
        if let whole = ids[word] { out.append(whole); return }
        var start = 0
        var pieces: [Int] = []
        while start < scalars.count {
            var end = scalars.count
            var found: Int?
            while start < end {
                var candidate = start > 0 ? continuationPrefix : ""
                candidate.unicodeScalars.append(contentsOf: scalars[start..<end])
                if let id = ids[candidate] { found = id; break }
                end -= 1
            }
            guard let id = found else { out.append(unknownID); return }
            pieces.append(id)
            start = end
        }
        out.append(contentsOf: pieces)
    }

    /// `[CLS] pieces [SEP]` for `text`, keeping the first `maxLength - 2` pieces.
    ///
    /// - Precondition: `maxLength >= 2` (checked by the throwing callers).
    public func encode(_ text: String, maxLength: Int = 512) -> Encoding {
        let pieces = pieceIDs(text)
        let room = Swift.max(0, maxLength - 2)
        let kept = pieces.prefix(room)
        return Encoding(ids: [classifierID] + kept + [separatorID], truncatedPieces: pieces.count - kept.count)
    }

    /// Encodes UTF-8 bytes; `source` names them in the error.
    ///
    /// - Throws: ``TextError/invalidUTF8(source:)``.
    public func encode(utf8 bytes: Data, source: String, maxLength: Int = 512) throws -> Encoding {
        guard let text = String(validatingUTF8Data: bytes) else { throw TextError.invalidUTF8(source: source) }
        return encode(text, maxLength: maxLength)
    }

    /// Encodes and pads `texts` to their longest encoding: ids (padding `[PAD]`), token type ids (all 0) and
    /// attention masks (1 for real tokens, 0 for padding).
    ///
    /// - Throws: ``TextError/invalidArgument(_:)`` for `maxLength < 2`.
    public func encodeBatch(_ texts: [String], maxLength: Int = 512) throws -> EncodedBatch {
        guard maxLength >= 2 else {
            throw TextError.invalidArgument("maximum sequence length \(maxLength) leaves no room for [CLS] and [SEP]")
        }
        return EncodedBatch(texts.map { encode($0, maxLength: maxLength) }, paddingID: paddingID)
    }
}

extension String {
    /// The text of `data` when it is valid UTF-8, else `nil` (no replacement characters).
    init?(validatingUTF8Data data: Data) {
        guard let s = String(bytes: data, encoding: .utf8) else { return nil }
        // Foundation accepts some invalid sequences on some platforms; a round trip catches them.
        guard s.utf8.elementsEqual(data) else { return nil }
        self = s
    }
}

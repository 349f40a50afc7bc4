import Foundation
import SiameseText
import Testing

@Suite struct WordPieceTokenizerTests {
    static let tokenizer: WordPieceTokenizer = try! WordPieceTokenizer(folder: TextFixtures.folder)

    @Test func idsAndMasksMatchSentenceTransformersForEverySentence() throws {
        let reference = try MiniLMReference.load()
        let tokenizer = Self.tokenizer
        #expect(reference.sentences.count == 64)
        for (sentence, expected) in zip(reference.sentences, reference.encodings) {
            let encoding = tokenizer.encode(sentence, maxLength: reference.max_seq_length)
            #expect(encoding.ids == expected.input_ids, "\(sentence.debugDescription)")
            #expect(encoding.ids.map { tokenizer.tokens[$0] } == expected.tokens, "\(sentence.debugDescription)")
            let batch = try tokenizer.encodeBatch([sentence], maxLength: reference.max_seq_length)
            #expect(batch.attentionMask == expected.attention_mask)
            #expect(batch.tokenTypeIDs == expected.token_type_ids)
        }
    }

    @Test func truncationIsVisible() throws {
        let tokenizer = Self.tokenizer
        let long = String(repeating: "very ", count: 300)
        let encoding = tokenizer.encode(long, maxLength: 16)
        #expect(encoding.count == 16)
        #expect(encoding.truncatedPieces == 300 - 14)
        #expect(encoding.isTruncated)
        #expect(encoding.ids.first == tokenizer.classifierID && encoding.ids.last == tokenizer.separatorID)
        #expect(!tokenizer.encode("short", maxLength: 16).isTruncated)
        #expect(throws: TextError.self) { try tokenizer.encodeBatch(["a"], maxLength: 1) }
    }

    @Test func paddingAndMasks() throws {
        let tokenizer = Self.tokenizer
        let batch = try tokenizer.encodeBatch(["a", "a man is playing", ""], maxLength: 64)
        #expect(batch.length == 6)
        #expect(batch.lengths == [3, 6, 2])
        #expect(Array(batch.attentionMask[0..<6]) == [1, 1, 1, 0, 0, 0])
        #expect(Array(batch.inputIDs[12..<18]) == [101, 102, 0, 0, 0, 0])
    }

    @Test func wordPieceRules() throws {
        let tokenizer = Self.tokenizer
        #expect(tokenizer.tokenize("unhappiness") == ["un", "##ha", "##pp", "##iness"])
        // Over 100 characters: one [UNK], whatever the vocabulary could split.
        #expect(tokenizer.tokenize(String(repeating: "a", count: 101)) == ["[UNK]"])
        #expect(tokenizer.tokenize(String(repeating: "a", count: 100)) != ["[UNK]"])
        // ASCII symbols that are not Unicode punctuation still split ($, +, ^, `).
        #expect(tokenizer.tokenize("a$b+c^d`e") == ["a", "$", "b", "+", "c", "^", "d", "`", "e"])
        // Control characters vanish, NBSP splits, accents go, CJK ideographs stand alone.
        #expect(tokenizer.tokenize("Ca\u{0}f\u{200B}é\u{00A0}日本") == ["cafe", "日", "本"])
    }

    @Test func badInputAndFilesAreTypedErrors() throws {
        let tokenizer = Self.tokenizer
        #expect(throws: TextError.invalidUTF8(source: "line 3")) {
            try tokenizer.encode(utf8: Data([0x61, 0xFF, 0x62]), source: "line 3")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wordpiece-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let vocab = dir.appendingPathComponent("vocab.txt")
        #expect(throws: TextError.missingFile(path: vocab.path)) { try WordPieceTokenizer(folder: dir) }
        try Data("[PAD]\n[UNK]\n[CLS]\nhello\n".utf8).write(to: vocab)
        #expect(throws: TextError.missingSpecialToken(path: vocab.path, token: "[SEP]")) { try WordPieceTokenizer(folder: dir) }
        try Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n".utf8).write(to: vocab)
        let config = dir.appendingPathComponent("tokenizer_config.json")
        try Data("{not json".utf8).write(to: config)
        #expect(throws: TextError.malformedFile(path: config.path, reason: "not valid JSON")) { try WordPieceTokenizer(folder: dir) }
        try Data(#"{"do_basic_tokenize": false}"#.utf8).write(to: config)
        #expect(throws: TextError.unsupportedOption(path: config.path, field: "do_basic_tokenize", value: "false")) {
            try WordPieceTokenizer(folder: dir)
        }
        try Data(#"{"do_lower_case": false}"#.utf8).write(to: config)
        let cased = try WordPieceTokenizer(folder: dir)
        #expect(cased.tokenize("Hello hello") == ["[UNK]", "hello"])
        try Data([0x5B, 0xFF, 0x0A]).write(to: vocab)
        #expect(throws: TextError.invalidUTF8(source: vocab.path)) { try WordPieceTokenizer(folder: dir) }
    }
}

import Foundation
import SiameseNN

extension WordPieceTokenizer {
    /// Writes the tokenizer files of a model folder, as Hugging Face's `BertTokenizer.save_pretrained` names them:
    /// `vocab.txt` (a token a line), `tokenizer_config.json` (case, accents, CJK splitting, special tokens,
    /// `model_max_length`) and `special_tokens_map.json`. ``init(folder:)`` reads them back.
    ///
    /// - Throws: ``SiameseNN/SafetensorsError/io(path:reason:)`` for write failures.
    public func writeFiles(to folder: URL, modelMaxLength: Int) throws {
        func json(_ object: Any) throws -> Data {
            try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        }
        try AtomicFile.write(Data((tokens.joined(separator: "\n") + "\n").utf8), to: folder.appendingPathComponent("vocab.txt"))
        let special = ["unk_token": tokens[unknownID], "sep_token": tokens[separatorID],
                       "pad_token": tokens[paddingID], "cls_token": tokens[classifierID]]
        var config: [String: Any] = special
        config["do_lower_case"] = basic.lowercase
        config["strip_accents"] = basic.stripAccents.map { $0 as Any } ?? NSNull()
        config["tokenize_chinese_chars"] = basic.tokenizeChineseCharacters
        config["tokenizer_class"] = "BertTokenizer"
        config["model_max_length"] = modelMaxLength
        if let mask = ids["[MASK]"].map({ tokens[$0] }) { config["mask_token"] = mask }
        try AtomicFile.write(try json(config), to: folder.appendingPathComponent("tokenizer_config.json"))
        try AtomicFile.write(try json(special), to: folder.appendingPathComponent("special_tokens_map.json"))
    }
}

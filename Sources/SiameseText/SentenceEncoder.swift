import Foundation
import SiameseCore
import SiameseNN

/// A trainable sentence encoder over a WordPiece tokenizer: what text training, evaluation and the text commands
/// drive. ``SentenceTransformer`` (BERT) and ``RecurrentTextEncoder`` (embedding + BiLSTM) are the two kinds;
/// ``TextModelFolder/load(_:)`` reads either from its folder.
public protocol SentenceEncoder: AnyObject {
    /// The tokenizer whose ids the encoder reads.
    var tokenizer: WordPieceTokenizer { get }
    /// The embedding width.
    var dimension: Int { get }
    /// Texts longer than this many tokens (with `[CLS]`/`[SEP]`) are truncated.
    var maxLength: Int { get }
    /// The trainable network (switched between training and evaluation mode by the trainer).
    var network: Module { get }
    /// The encodings of `texts` at ``maxLength`` (``Encoding/truncatedPieces`` says what was cut).
    func encode(_ texts: [String]) -> [Encoding]
    /// Sentence embeddings of encoded texts as a flat row-major `[encodings.count, dimension]` array, without a
    /// gradient graph, in evaluation mode.
    func embedRows(_ encodings: [Encoding], batchSize: Int) throws -> [Float]
    /// Sentence embeddings `[texts.count, dimension]` on the differentiable path (for training).
    func embedDifferentiable(_ texts: [String]) throws -> Tensor
    /// Drops any inference snapshot of the weights, after an update.
    func weightsChanged()
    /// Writes the model folder (atomically).
    func save(to folder: URL) throws
}

extension SentenceTransformer: SentenceEncoder {
    public var network: Module { bert }
}

/// Problems with text inputs and with the files of a text model; each names the file, field or input.
public enum TextError: Error, Equatable, CustomStringConvertible {
    /// Input bytes (a file, a line, standard input) that are not valid UTF-8; `source` names where they came from.
    case invalidUTF8(source: String)
    /// A file the model needs is absent.
    case missingFile(path: String)
    /// A file exists but cannot be read or parsed.
    case malformedFile(path: String, reason: String)
    /// A configuration value this implementation does not support (`field = value` in `path`).
    case unsupportedOption(path: String, field: String, value: String)
    /// A vocabulary lacks a token the tokenizer needs (`[CLS]`, `[SEP]`, `[PAD]`, `[UNK]`).
    case missingSpecialToken(path: String, token: String)
    /// An argument outside its allowed range (for example a maximum length below 2).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .invalidUTF8(source): return "\(source): not valid UTF-8 text"
        case let .missingFile(path): return "\(path): file not found"
        case let .malformedFile(path, reason): return "\(path): \(reason)"
        case let .unsupportedOption(path, field, value): return "\(path): unsupported \(field) = \(value)"
        case let .missingSpecialToken(path, token): return "\(path): the vocabulary has no \(token) token"
        case let .invalidArgument(message): return message
        }
    }
}

/// One value of a recipe (YAML or JSON): a number, a boolean, a string, a list, a mapping or null.
///
/// Decodes from any JSON value, and through Yams' `YAMLDecoder` from any YAML value. A scalar is tried as a
/// boolean first, then as a number, then as a string, so YAML `true` is ``bool(_:)``, `0.5` is ``number(_:)``
/// and `cosine` is ``string(_:)``. Encodes back to the same JSON shape (integral numbers are written as JSON
/// numbers, e.g. `3`).
public enum RecipeValue: Codable, Sendable, Equatable, Hashable {
    /// Any number; integers are stored exactly up to 2⁵³.
    case number(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// A string.
    case string(String)
    /// A list of values.
    case array([RecipeValue])
    /// A mapping from keys to values.
    case object([String: RecipeValue])
    /// An explicit null (`null` in JSON, `~` or `null` in YAML).
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([RecipeValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: RecipeValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "RecipeValue: expected a number, boolean, string, list, mapping or null")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .number(value): try container.encode(value)
        case let .bool(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    /// A number holding `value` as written by Swift (`0.3` stays `0.3`, not `0.30000001192…`), so that a
    /// `Float` read back from it is `value` again.
    public init(_ value: Float) {
        self = .number(Double(value.description) ?? Double(value))
    }

    /// What kind of value this is, for messages: "a number", "a boolean", "a string", "a list", "a mapping", "null".
    public var kindDescription: String {
        switch self {
        case .number: return "a number"
        case .bool: return "a boolean"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "a mapping"
        case .null: return "null"
        }
    }
}

extension RecipeValue: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    /// `0.5` in Swift source is ``number(_:)``.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// `3` in Swift source is ``number(_:)``.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// `true` in Swift source is ``bool(_:)``.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `"cosine"` in Swift source is ``string(_:)``.
    public init(stringLiteral value: String) { self = .string(value) }
    /// `[1, 2]` in Swift source is ``array(_:)``.
    public init(arrayLiteral elements: RecipeValue...) { self = .array(elements) }
    /// `["name": "cosine"]` in Swift source is ``object(_:)``; a repeated key keeps the last value.
    public init(dictionaryLiteral elements: (String, RecipeValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    /// `nil` in Swift source is ``null``.
    public init(nilLiteral: ()) { self = .null }
}

/// A named component with its parameters, as a recipe names a loss, miner, distance, reducer or sampler.
///
/// Decodes from a plain string (`triplet-margin`) or from a mapping whose `name` key names the component
/// and whose other keys are its parameters:
/// ```yaml
/// loss:
///   name: triplet-margin
///   margin: 0.2
///   distance: {name: cosine-similarity}
/// ```
/// Encodes as a plain string when there are no parameters, and as the mapping otherwise.
public struct ComponentSpec: Codable, Sendable, Equatable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The registered name, e.g. `triplet-margin`.
    public var name: String
    /// The parameters by name (every key of the mapping except `name`); empty for the defaults.
    public var parameters: [String: RecipeValue]

    /// A spec for `name` with `parameters` (default: none, so every parameter takes its default).
    public init(name: String, parameters: [String: RecipeValue] = [:]) {
        self.name = name; self.parameters = parameters
    }

    /// `"cosine"` in Swift source is the spec of `cosine` with default parameters.
    public init(stringLiteral value: String) { self.init(name: value) }

    /// The spec a recipe value stands for: a string (the name), or a mapping whose `name` is a string and
    /// whose other keys are parameters; `nil` for anything else.
    public init?(_ value: RecipeValue) {
        switch value {
        case let .string(name):
            self.init(name: name)
        case var .object(fields):
            guard case let .string(name)? = fields.removeValue(forKey: "name") else { return nil }
            self.init(name: name, parameters: fields)
        default:
            return nil
        }
    }

    /// This spec as a recipe value: the name alone without parameters, else a mapping with `name`.
    public var recipeValue: RecipeValue {
        if parameters.isEmpty { return .string(name) }
        var fields = parameters
        fields["name"] = .string(name)
        return .object(fields)
    }

    public init(from decoder: any Decoder) throws {
        let value = try RecipeValue(from: decoder)
        guard let spec = ComponentSpec(value) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "expected a component name or a mapping with a string 'name' key, found \(value.kindDescription)"))
        }
        self = spec
    }

    public func encode(to encoder: any Encoder) throws { try recipeValue.encode(to: encoder) }

    /// `name` alone, or `name(key: value, …)` with the parameters in key order.
    public var description: String {
        if parameters.isEmpty { return name }
        let list = parameters.keys.sorted().map { "\($0): \(RecipeValueText.text(parameters[$0]!))" }
        return "\(name)(\(list.joined(separator: ", ")))"
    }
}

/// Compact one-line text of recipe values, for descriptions and messages.
enum RecipeValueText {
    static func text(_ value: RecipeValue) -> String {
        switch value {
        case let .number(x):
            return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
        case let .bool(b): return String(b)
        case let .string(s): return s
        case let .array(items): return "[" + items.map(text).joined(separator: ", ") + "]"
        case let .object(fields):
            return "{" + fields.keys.sorted().map { "\($0): \(text(fields[$0]!))" }.joined(separator: ", ") + "}"
        case .null: return "null"
        }
    }
}

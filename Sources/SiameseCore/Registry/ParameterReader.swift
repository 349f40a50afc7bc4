/// Reads the parameters of one ``ComponentSpec`` with typed defaults, remembering which were read so that
/// ``finish()`` can reject any the component does not know (typically a typo).
///
/// A registered factory reads every parameter it accepts, each with the default of the Swift initialiser:
/// ```swift
/// registry.register("triplet-margin", summary: "…") { reader, context in
///     TripletMarginLoss(margin: try reader.float("margin", default: 0.05), …)
/// }
/// ```
/// Numbers given where an integer is expected must be whole (`3` or `3.0`, not `3.5`); a string is never
/// read as a number, nor a number as a string. A parameter given as `null` takes its default.
public struct ParameterReader: Sendable {
    /// The kind of component, e.g. "loss", used in errors.
    public let kind: String
    /// The component's registered name, used in errors.
    public let name: String
    /// The parameters as given in the spec.
    public let parameters: [String: RecipeValue]
    /// The keys read so far, present in the spec or not.
    public private(set) var readKeys: Set<String> = []

    /// A reader of `parameters` for the component `name` of kind `kind`.
    public init(kind: String, name: String, parameters: [String: RecipeValue]) {
        self.kind = kind; self.name = name; self.parameters = parameters
    }

    /// A reader of `spec`'s parameters.
    public init(kind: String, spec: ComponentSpec) {
        self.init(kind: kind, name: spec.name, parameters: spec.parameters)
    }

    /// Marks `key` as read and returns its value, `nil` when absent or null.
    public mutating func value(_ key: String) -> RecipeValue? {
        readKeys.insert(key)
        guard let value = parameters[key], value != .null else { return nil }
        return value
    }

    /// The error for `key` holding a value that is not `expected`.
    public func wrongType(_ key: String, expected: String) -> RegistryError {
        .wrongType(kind: kind, name: name, parameter: key, expected: expected)
    }

    /// The error for `key` holding an unusable value.
    public func invalidValue(_ key: String, _ reason: String) -> RegistryError {
        .invalidValue(kind: kind, name: name, parameter: key, reason: reason)
    }

    /// Throws ``RegistryError/invalidValue(kind:name:parameter:reason:)`` for `key` with `reason` unless `condition` holds.
    public func check(_ condition: Bool, _ key: String, _ reason: @autoclosure () -> String) throws(RegistryError) {
        if !condition { throw invalidValue(key, reason()) }
    }

    /// A `Double` parameter, `defaultValue` when absent.
    public mutating func double(_ key: String, default defaultValue: Double) throws(RegistryError) -> Double {
        try optionalDouble(key) ?? defaultValue
    }

    /// A `Double` parameter, `nil` when absent.
    public mutating func optionalDouble(_ key: String) throws(RegistryError) -> Double? {
        guard let value = value(key) else { return nil }
        guard case let .number(x) = value else { throw wrongType(key, expected: "a number") }
        return x
    }

    /// A `Float` parameter, `defaultValue` when absent.
    public mutating func float(_ key: String, default defaultValue: Float) throws(RegistryError) -> Float {
        try optionalFloat(key) ?? defaultValue
    }

    /// A `Float` parameter, `nil` when absent (for parameters whose Swift type is `Float?`).
    public mutating func optionalFloat(_ key: String) throws(RegistryError) -> Float? {
        guard let x = try optionalDouble(key) else { return nil }
        let f = Float(x)
        guard f.isFinite || !x.isFinite else { throw invalidValue(key, "\(x) is outside the range of Float") }
        return f
    }

    /// An `Int` parameter, `defaultValue` when absent; the number must be whole.
    public mutating func int(_ key: String, default defaultValue: Int) throws(RegistryError) -> Int {
        try optionalInt(key) ?? defaultValue
    }

    /// An `Int` parameter, `nil` when absent; the number must be whole.
    public mutating func optionalInt(_ key: String) throws(RegistryError) -> Int? {
        guard let value = value(key) else { return nil }
        guard case let .number(x) = value, x.rounded() == x, let i = Int(exactly: x) else {
            throw wrongType(key, expected: "an integer")
        }
        return i
    }

    /// A `Bool` parameter, `defaultValue` when absent.
    public mutating func bool(_ key: String, default defaultValue: Bool) throws(RegistryError) -> Bool {
        guard let value = value(key) else { return defaultValue }
        guard case let .bool(b) = value else { throw wrongType(key, expected: "a boolean (true or false)") }
        return b
    }

    /// A `String` parameter, `defaultValue` when absent.
    public mutating func string(_ key: String, default defaultValue: String) throws(RegistryError) -> String {
        guard let value = value(key) else { return defaultValue }
        guard case let .string(s) = value else { throw wrongType(key, expected: "a string") }
        return s
    }

    /// A string parameter that must be one of `choices`, `defaultValue` when absent.
    public mutating func choice(_ key: String, default defaultValue: String, from choices: [String]) throws(RegistryError) -> String {
        let s = try string(key, default: defaultValue)
        try check(choices.contains(s), key, "'\(s)' is not one of \(choices.joined(separator: ", "))")
        return s
    }

    /// A nested component (a name or a mapping with `name`), `defaultValue` when absent.
    public mutating func spec(_ key: String, default defaultValue: ComponentSpec) throws(RegistryError) -> ComponentSpec {
        try optionalSpec(key) ?? defaultValue
    }

    /// A nested component, `nil` when absent.
    public mutating func optionalSpec(_ key: String) throws(RegistryError) -> ComponentSpec? {
        guard let value = value(key) else { return nil }
        guard let spec = ComponentSpec(value) else {
            throw wrongType(key, expected: "a component name or a mapping with a string 'name'")
        }
        return spec
    }

    /// A nested component built by `registry` from the spec under `key`, or `defaultValue` itself when absent.
    public mutating func component<Component>(_ key: String, from registry: ComponentRegistry<Component>,
                                              default defaultValue: Component,
                                              context: RegistryContext) throws(RegistryError) -> Component {
        guard let spec = try optionalSpec(key) else { return defaultValue }
        return try registry.make(spec, context: context)
    }

    /// Throws ``RegistryError/unknownParameter(kind:name:parameter:known:)`` for the first (in key order)
    /// parameter of the spec that was never read.
    public func finish() throws(RegistryError) {
        if let unread = parameters.keys.sorted().first(where: { !readKeys.contains($0) }) {
            throw .unknownParameter(kind: kind, name: name, parameter: unread, known: readKeys.sorted())
        }
    }
}

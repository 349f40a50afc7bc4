import Synchronization

/// Components of one kind (losses, miners, distances, …) by name, each with a factory that reads its
/// parameters from a ``ComponentSpec``.
///
/// ```swift
/// let distance = try Distances.registry.make(ComponentSpec(name: "lp-distance", parameters: ["p": 1]))
/// ```
/// Registration and lookup are thread-safe. `Component` is typically an existential such as `any Distance`.
public final class ComponentRegistry<Component>: Sendable {
    /// Builds a component from its parameters and the context.
    public typealias Factory = @Sendable (inout ParameterReader, RegistryContext) throws -> Component

    private struct Entry: Sendable {
        let summary: String
        let make: Factory
    }

    /// What the registry holds, e.g. "loss", "miner" or "distance"; used in errors.
    public let kind: String
    private let entries = Mutex<[String: Entry]>([:])

    /// An empty registry of components of kind `kind`.
    public init(kind: String) { self.kind = kind }

    /// Registers `make` under `name`, replacing an earlier registration of the same name.
    ///
    /// - Parameters:
    ///   - name: the recipe name, by convention kebab-case (`triplet-margin`).
    ///   - summary: one line on what it is and its parameters with their defaults.
    ///   - make: reads the parameters from the reader (with their defaults) and builds the component; throws
    ///     ``RegistryError`` for invalid values (any other error is reported as
    ///     ``RegistryError/invalidValue(kind:name:parameter:reason:)``). Parameters it never reads are rejected
    ///     by ``make(_:context:)``.
    public func register(_ name: String, summary: String,
                         make: @escaping Factory) {
        precondition(!name.isEmpty, "ComponentRegistry(\(kind)).register: empty name")
        entries.withLock { $0[name] = Entry(summary: summary, make: make) }
    }

    /// Builds the component `spec` names, with its parameters and `context` (default: empty).
    ///
    /// - Throws: ``RegistryError/unknownName(kind:name:known:)`` for an unregistered name,
    ///   ``RegistryError/unknownParameter(kind:name:parameter:known:)`` for a parameter the component does not
    ///   read, and whatever the factory throws (wrong types, invalid values, missing context).
    public func make(_ spec: ComponentSpec, context: RegistryContext = .init()) throws(RegistryError) -> Component {
        guard let entry = entries.withLock({ $0[spec.name] }) else {
            throw .unknownName(kind: kind, name: spec.name, known: names)
        }
        var reader = ParameterReader(kind: kind, spec: spec)
        let component: Component
        do {
            component = try entry.make(&reader, context)
        } catch let error as RegistryError {
            throw error
        } catch {
            // Factories are meant to throw RegistryError only; anything else is reported against the component.
            throw .invalidValue(kind: kind, name: spec.name, parameter: reader.readKeys.sorted().joined(separator: ", "),
                                reason: String(describing: error))
        }
        try reader.finish()
        return component
    }

    /// Every registered name, sorted.
    public var names: [String] { entries.withLock { $0.keys.sorted() } }

    /// The summary registered with `name`, or nil.
    public func summary(of name: String) -> String? { entries.withLock { $0[name]?.summary } }

    /// Whether `name` is registered.
    public func contains(_ name: String) -> Bool { entries.withLock { $0[name] != nil } }
}

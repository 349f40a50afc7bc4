/// Why a ``ComponentSpec`` could not be turned into a component. Every message is one line and names the
/// kind of component (`loss`, `miner`, `distance`, …), the component and the parameter concerned.
public enum RegistryError: Error, Equatable, CustomStringConvertible {
    /// No component of this kind is registered under `name`; `known` lists the registered names.
    case unknownName(kind: String, name: String, known: [String])
    /// The spec gives a parameter the component does not read (often a typo); `known` lists the ones it reads.
    case unknownParameter(kind: String, name: String, parameter: String, known: [String])
    /// A parameter has the wrong type; `expected` says what it should be (e.g. "a number").
    case wrongType(kind: String, name: String, parameter: String, expected: String)
    /// A parameter has the right type but an unusable value; `reason` says why.
    case invalidValue(kind: String, name: String, parameter: String, reason: String)
    /// The component needs something from the ``RegistryContext`` (`what`, e.g. "numClasses") that it lacks.
    case missingContext(kind: String, name: String, what: String)

    public var description: String {
        switch self {
        case let .unknownName(kind, name, known):
            return "unknown \(kind) '\(name)'; known \(kind) names: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
        case let .unknownParameter(kind, name, parameter, known):
            let list = known.isEmpty ? "it takes no parameters" : "it reads: \(known.joined(separator: ", "))"
            return "\(kind) '\(name)' has no parameter '\(parameter)' (\(list))"
        case let .wrongType(kind, name, parameter, expected):
            return "\(kind) '\(name)': parameter '\(parameter)' must be \(expected)"
        case let .invalidValue(kind, name, parameter, reason):
            return "\(kind) '\(name)': invalid value for parameter '\(parameter)': \(reason)"
        case let .missingContext(kind, name, what):
            return "\(kind) '\(name)' needs \(what), which the registry context does not give (pass RegistryContext(\(what): …))"
        }
    }
}

/// What a registry knows about the run beyond a spec's own parameters, for components that need it,
/// such as losses with one learned weight or proxy per class.
public struct RegistryContext: Sendable, Equatable {
    /// A value the context may hold, named as in messages and in ``RegistryError/missingContext(kind:name:what:)``.
    public enum Field: String, Sendable, CaseIterable {
        /// ``RegistryContext/numClasses``.
        case numClasses
        /// ``RegistryContext/embeddingSize``.
        case embeddingSize
    }

    /// The number of classes of the training labels (`0..<numClasses`); `nil` when unknown.
    public var numClasses: Int?
    /// The width of the embeddings the encoder produces; `nil` when unknown.
    public var embeddingSize: Int?

    /// A context; every value defaults to `nil` (unknown).
    public init(numClasses: Int? = nil, embeddingSize: Int? = nil) {
        self.numClasses = numClasses; self.embeddingSize = embeddingSize
    }

    /// The value of `field`, or nil.
    public subscript(field: Field) -> Int? {
        switch field {
        case .numClasses: return numClasses
        case .embeddingSize: return embeddingSize
        }
    }

    /// The value of `field` for the component `reader` is reading.
    ///
    /// - Throws: ``RegistryError/missingContext(kind:name:what:)`` when it is absent, or
    ///   ``RegistryError/invalidValue(kind:name:parameter:reason:)`` when it is not positive.
    public func require(_ field: Field, for reader: ParameterReader) throws(RegistryError) -> Int {
        guard let value = self[field] else {
            throw .missingContext(kind: reader.kind, name: reader.name, what: field.rawValue)
        }
        guard value > 0 else {
            throw .invalidValue(kind: reader.kind, name: reader.name, parameter: field.rawValue,
                                reason: "the context's \(field.rawValue) is \(value); it must be positive")
        }
        return value
    }
}

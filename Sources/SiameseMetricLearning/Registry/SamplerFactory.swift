import SiameseCore
import SiameseData

/// Builds a ``BatchSampler`` once the labels of the data are known: the samplers take their labels at
/// construction, so ``Samplers/registry`` holds factories rather than samplers.
public struct SamplerFactory: Sendable {
    /// What the indices of one batch stand for, e.g. "classesPerBatch × samplesPerClass items, class by class".
    public let layout: String
    private let build: @Sendable ([Int]) throws(RegistryError) -> any BatchSampler

    /// A factory with the batch `layout` and the closure that builds a sampler from the labels.
    public init(layout: String, build: @escaping @Sendable ([Int]) throws(RegistryError) -> any BatchSampler) {
        self.layout = layout; self.build = build
    }

    /// A sampler over items with these `labels` (one class label per item).
    ///
    /// - Throws: ``RegistryError/invalidValue(kind:name:parameter:reason:)`` when the labels cannot support
    ///   the sampler's parameters (too few classes, or classes too small).
    public func make(labels: [Int]) throws(RegistryError) -> any BatchSampler { try build(labels) }
}

import SiameseCore

/// Something that yields an epoch of batches of item indices, as the samplers in ``Samplers/registry`` do.
public protocol BatchSampler: Sendable {
    /// One epoch of batches; each batch is a list of item indices, laid out as the sampler documents.
    func epoch(generator: inout SeededGenerator) -> [[Int]]
}

extension MPerClassSampler: BatchSampler {}

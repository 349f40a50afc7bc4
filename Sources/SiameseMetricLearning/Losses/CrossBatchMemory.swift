import SiameseCore

/// A queue of past embeddings that every batch is compared with (PML's `CrossBatchMemory`, Wang et al. 2020).
///
/// Each call, as PML 2.9 does it:
/// 1. the batch (or, with an `enqueueMask`, only its masked rows) is written, detached, into the ring buffer of
///    `memorySize` rows at the queue position, which then advances;
/// 2. the reference is the filled part of the memory (all of it once it has wrapped), *including the batch just
///    added*;
/// 3. the tuples are the `miner`'s between the batch and the reference, or all pairs; without an `enqueueMask`,
///    positive pairs of an embedding with its own memory slot are removed (PML's `remove_self_comparisons`);
///    tuples passed in are added to them;
/// 4. the wrapped loss compares the batch (anchors, with gradients) with the reference (detached).
///
/// Supported losses are those that take a reference (``ReferenceMetricLoss``), the PML 2.9 `supported_losses()` that
/// SiameseKit has: ``AngularLoss``, ``CircleLoss``, ``ContrastiveLoss``, ``GeneralizedLiftedStructureLoss``,
/// ``IntraPairVarianceLoss``, ``LiftedStructureLoss``, ``MarginLoss``, ``MultiSimilarityLoss``, ``NTXentLoss``,
/// ``SupConLoss``, ``TripletMarginLoss``, ``TupletMarginLoss`` (PML's `NCALoss` and
/// `SignalToNoiseRatioContrastiveLoss` are not in SiameseKit); miners: every ``ReferenceMiner``.
/// A class: the queue is state. ``reset()`` empties it. Default `memorySize` 1024.
public final class CrossBatchMemory: MetricLoss, @unchecked Sendable {
    public let loss: any ReferenceMetricLoss
    public let miner: (any ReferenceMiner)?
    public let embeddingSize: Int, memorySize: Int
    public var distance: any Distance { loss.distance }
    public var reducer: any Reducer { loss.reducer }

    private var embeddingMemory: [Float]
    private var labelMemory: [Int]
    /// The next slot to write, and whether the ring has wrapped at least once.
    public private(set) var queueIndex = 0
    public private(set) var hasBeenFilled = false

    public init(loss: any ReferenceMetricLoss, embeddingSize: Int, memorySize: Int = 1024, miner: (any ReferenceMiner)? = nil) {
        precondition(embeddingSize > 0 && memorySize > 0, "CrossBatchMemory: embeddingSize and memorySize must be > 0")
        self.loss = loss; self.miner = miner; self.embeddingSize = embeddingSize; self.memorySize = memorySize
        embeddingMemory = [Float](repeating: 0, count: memorySize * embeddingSize)
        labelMemory = [Int](repeating: 0, count: memorySize)
    }

    /// Empties the queue.
    public func reset() {
        embeddingMemory = [Float](repeating: 0, count: memorySize * embeddingSize)
        labelMemory = [Int](repeating: 0, count: memorySize)
        queueIndex = 0; hasBeenFilled = false
    }

    /// The embeddings and labels now in the memory (its reference set).
    public var reference: ReferenceSet {
        let count = hasBeenFilled ? memorySize : queueIndex
        return ReferenceSet(embeddings: Tensor(Array(embeddingMemory[0..<(count * embeddingSize)]), shape: [count, embeddingSize]),
                            labels: Array(labelMemory[0..<count]))
    }

    /// The loss of the batch against the memory, after enqueueing it. With `enqueueMask` (one flag per row), the
    /// flagged rows only go into the memory and the others only into the loss; no self-comparison is removed then.
    public func callAsFunction(_ embeddings: Tensor, labels: [Int], tuples: MinedTuples? = nil, enqueueMask: [Bool]) -> Tensor {
        precondition(enqueueMask.count == labels.count, "CrossBatchMemory: \(enqueueMask.count) mask flags for \(labels.count) rows")
        precondition(tuples == nil, "CrossBatchMemory: tuples and enqueueMask are mutually exclusive")
        let queued = enqueueMask.indices.filter { enqueueMask[$0] }, kept = enqueueMask.indices.filter { !enqueueMask[$0] }
        enqueue(embeddings.indexSelect(axis: 0, queued), labels: queued.map { labels[$0] })
        let batch = embeddings.indexSelect(axis: 0, kept), batchLabels = kept.map { labels[$0] }
        let ref = reference
        let mined = miner.map { $0(batch.detached(), labels: batchLabels, reference: ref) } ?? .allPairs(batchLabels, reference: ref.labels)
        return reduce(loss.terms(embeddings: batch, labels: batchLabels, tuples: mined, reference: ref), batchSize: batchLabels.count, embeddings: embeddings)
    }

    /// As a ``MetricLoss``: enqueue the whole batch, then the loss against the memory without self-comparisons.
    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        precondition(embeddings.shape[1] == embeddingSize, "CrossBatchMemory: embeddings of size \(embeddings.shape[1]), memory of \(embeddingSize)")
        precondition(labels.count <= memorySize, "CrossBatchMemory: a batch of \(labels.count) exceeds the memory of \(memorySize)")
        let start = queueIndex
        enqueue(embeddings, labels: labels)
        let ref = reference
        let slots = labels.indices.map { (start + $0) % memorySize }
        var mined = miner.map { $0(embeddings.detached(), labels: labels, reference: ref) } ?? .allPairs(labels, reference: ref.labels)
        mined = Self.removingSelfComparisons(mined, slots: slots)
        if let tuples { mined = Self.concatenating(mined, tuples) }
        return loss.terms(embeddings: embeddings, labels: labels, tuples: mined, reference: ref)
    }

    private func enqueue(_ embeddings: Tensor, labels: [Int]) {
        let values = embeddings.detached().contiguous().scalars
        for (row, label) in labels.enumerated() {
            let slot = (queueIndex + row) % memorySize
            for k in 0..<embeddingSize { embeddingMemory[slot * embeddingSize + k] = values[row * embeddingSize + k] }
            labelMemory[slot] = label
        }
        let previous = queueIndex
        queueIndex = (queueIndex + labels.count) % memorySize
        if !hasBeenFilled && queueIndex <= previous && !labels.isEmpty { hasBeenFilled = true }
    }

    /// Drops the positive pairs (and triplets) of batch row `a` with its own memory slot `slots[a]`.
    static func removingSelfComparisons(_ tuples: MinedTuples, slots: [Int]) -> MinedTuples {
        switch tuples {
        case let .pairs(a1, p, a2, n):
            let keep = a1.indices.filter { slots[a1[$0]] != p[$0] }
            return .pairs(a1: keep.map { a1[$0] }, p: keep.map { p[$0] }, a2: a2, n: n)
        case let .triplets(a, p, n):
            let keep = a.indices.filter { slots[a[$0]] != p[$0] }
            return .triplets(a: keep.map { a[$0] }, p: keep.map { p[$0] }, n: keep.map { n[$0] })
        }
    }

    /// Mined tuples followed by those passed in, converted to the mined kind.
    static func concatenating(_ mined: MinedTuples, _ extra: MinedTuples) -> MinedTuples {
        switch mined {
        case let .pairs(a1, p, a2, n):
            let (b1, q, b2, m) = extra.asPairs
            return .pairs(a1: a1 + b1, p: p + q, a2: a2 + b2, n: n + m)
        case let .triplets(a, p, n):
            let (b, q, m) = extra.asTriplets
            return .triplets(a: a + b, p: p + q, n: n + m)
        }
    }
}

import Foundation
import SiameseCore

/// Batches of item indices in a seeded order, assembled on a background thread while the caller trains.
///
/// ```swift
/// let loader = BatchLoader(count: dataset.count, batchSize: 256, seed: 1) { indices in
///     try makeTensors(indices)                 // runs on the prefetch thread
/// }
/// for result in loader.epoch(0) { let batch = try result.get(); … }
/// ```
/// Each epoch reshuffles with a generator derived from `seed` and the epoch number, so epoch `k` has the same
/// order on every run, including after a resume.
public final class BatchLoader<Batch: Sendable>: @unchecked Sendable {
    public let count: Int, batchSize: Int, shuffle: Bool, dropLast: Bool, seed: UInt64, prefetch: Int
    let makeBatch: @Sendable ([Int]) throws -> Batch

    public init(count: Int, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false, seed: UInt64 = 0, prefetch: Int = 2,
                makeBatch: @escaping @Sendable ([Int]) throws -> Batch) {
        precondition(batchSize > 0 && prefetch > 0, "BatchLoader: batchSize and prefetch must be positive")
        self.count = count; self.batchSize = batchSize; self.shuffle = shuffle; self.dropLast = dropLast
        self.seed = seed; self.prefetch = prefetch; self.makeBatch = makeBatch
    }

    /// The index batches of epoch `epoch`, in order.
    public func batches(epoch: Int) -> [[Int]] {
        var order = Array(0..<count)
        if shuffle {
            var g = SeededGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
            order.shuffle(using: &g)
        }
        var out = stride(from: 0, to: count, by: batchSize).map { Array(order[$0..<Swift.min(count, $0 + batchSize)]) }
        if dropLast, let last = out.last, last.count < batchSize { out.removeLast() }
        return out
    }

    /// Batches of epoch `epoch`, built ahead on a background thread (at most `prefetch` waiting).
    public func epoch(_ epoch: Int) -> PrefetchingSequence<Batch> {
        PrefetchingSequence(batches: batches(epoch: epoch), capacity: prefetch, make: makeBatch)
    }
}

/// A one-pass sequence whose elements a background thread produces ahead of the consumer.
public struct PrefetchingSequence<Batch: Sendable>: Sequence {
    let batches: [[Int]], capacity: Int
    let make: @Sendable ([Int]) throws -> Batch

    public func makeIterator() -> PrefetchingIterator<Batch> {
        PrefetchingIterator(batches: batches, capacity: capacity, make: make)
    }
}

/// Hands out batches produced by a background thread; stops the thread when dropped early.
public final class PrefetchingIterator<Batch: Sendable>: IteratorProtocol, @unchecked Sendable {
    private let condition = NSCondition()
    private var buffer: [Result<Batch, Error>] = []
    private var finished = false, cancelled = false

    init(batches: [[Int]], capacity: Int, make: @escaping @Sendable ([Int]) throws -> Batch) {
        let thread = Thread { [weak self] in
            for indices in batches {
                let result = Result { try make(indices) }
                guard let self else { return }
                self.condition.lock()
                while self.buffer.count >= capacity && !self.cancelled { self.condition.wait() }
                if self.cancelled { self.condition.unlock(); return }
                self.buffer.append(result)
                self.condition.broadcast()
                self.condition.unlock()
            }
            guard let self else { return }
            self.condition.lock()
            self.finished = true
            self.condition.broadcast()
            self.condition.unlock()
        }
        thread.name = "siamesekit-prefetch"
        thread.start()
    }

    /// The next batch (or the error building it threw), or `nil` at the end of the epoch.
    public func next() -> Result<Batch, Error>? {
        condition.lock()
        defer { condition.unlock() }
        while buffer.isEmpty && !finished { condition.wait() }
        guard !buffer.isEmpty else { return nil }
        let r = buffer.removeFirst()
        condition.broadcast()
        return r
    }

    deinit {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

extension LabelledDataset where Item == Image {
    /// Decodes, preprocesses and stacks `indices` into a `[n, C, H, W]` tensor with their labels, skipping
    /// items that fail to decode (their indices come back in `skipped`). All images must end up the same size.
    public func batch(_ indices: [Int], transform: (Image) -> Image = { $0 }) -> (images: Tensor, labels: [Int], skipped: [Int]) {
        let (items, kept, failures) = items(indices)
        let images = items.map(transform)
        guard let first = images.first else { return (Tensor.zeros([0, 1, 1, 1]), [], failures.map(\.index)) }
        precondition(images.allSatisfy { $0.width == first.width && $0.height == first.height && $0.channels == first.channels },
                     "batch: images differ in size; resize or crop them in `transform`")
        let pixels = images.flatMap(\.pixels)
        return (Tensor(pixels, shape: [images.count, first.channels, first.height, first.width]), kept.map(label(at:)), failures.map(\.index))
    }
}

/// Micro-batching: the images of concurrent requests are gathered into one encoder pass.
///
/// A request's images join a queue; a pass starts when `maxBatch` images wait or `window` has passed since the
/// first of them arrived, whichever is first, and takes whole requests up to `maxBatch` images (a single request
/// larger than that goes alone). While a pass runs, new requests gather for the next. When a pass fails, each of its
/// requests is retried in a pass of its own, so one bad request cannot fail the others (failure isolation).
/// Every pass is recorded in ``ServeMetrics`` (`siamese_encoder_batch_size`).
public actor EmbeddingBatcher<Item: Sendable> {
    /// One encoder pass: one row per item, in order.
    public typealias Encode = @Sendable ([Item]) async throws -> [[Float]]

    /// Passes run so far and their sizes.
    public struct Statistics: Sendable, Equatable {
        public var passes = 0
        public var items = 0
        public var largestPass = 0
    }

    private struct Job {
        let items: [Item]
        let continuation: CheckedContinuation<[[Float]], any Error>
    }

    private let encode: Encode
    private let window: Duration
    private let maxBatch: Int
    private let metrics: ServeMetrics?
    private var pending: [Job] = []
    private var pendingItems = 0
    private var draining = false
    private var wake: CheckedContinuation<Void, Never>?
    private var wakeGeneration = 0
    public private(set) var statistics = Statistics()

    /// - Parameters:
    ///   - window: how long the first waiting request waits for company (0: passes start at once).
    ///   - maxBatch: most items in one pass (at least 1).
    public init(window: Duration, maxBatch: Int, metrics: ServeMetrics? = nil, encode: @escaping Encode) {
        self.window = window
        self.maxBatch = Swift.max(1, maxBatch)
        self.metrics = metrics
        self.encode = encode
    }

    /// The embeddings of `items`, computed in a pass shared with concurrent callers; one row per item.
    public func embed(_ items: [Item]) async throws -> [[Float]] {
        guard !items.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            pending.append(Job(items: items, continuation: continuation))
            pendingItems += items.count
            if pendingItems >= maxBatch { wakeUp(generation: wakeGeneration) }
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            if pendingItems < maxBatch && window > .zero {
                wakeGeneration += 1
                let generation = wakeGeneration, window = window
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    wake = continuation
                    Task {
                        try? await Task.sleep(for: window)
                        self.wakeUp(generation: generation)
                    }
                }
            }
            var batch: [Job] = [], count = 0
            while let job = pending.first, batch.isEmpty || count + job.items.count <= maxBatch {
                batch.append(pending.removeFirst())
                count += job.items.count
            }
            pendingItems -= count
            await run(batch)
        }
        draining = false
    }

    /// Ends the current wait, unless it is a later one than the caller's timer was set for.
    private func wakeUp(generation: Int) {
        guard generation == wakeGeneration, let waiting = wake else { return }
        wake = nil
        waiting.resume()
    }

    private func run(_ batch: [Job]) async {
        let items = batch.flatMap(\.items)
        do {
            var rows = try await pass(items)[...]
            for job in batch {
                job.continuation.resume(returning: Array(rows.prefix(job.items.count)))
                rows = rows.dropFirst(job.items.count)
            }
        } catch {
            guard batch.count > 1 else {
                batch[0].continuation.resume(throwing: error)
                return
            }
            for job in batch {
                do { job.continuation.resume(returning: try await pass(job.items)) } catch { job.continuation.resume(throwing: error) }
            }
        }
    }

    private func pass(_ items: [Item]) async throws -> [[Float]] {
        let rows = try await encode(items)
        guard rows.count == items.count else { throw BatcherError.wrongRowCount(expected: items.count, got: rows.count) }
        statistics.passes += 1
        statistics.items += items.count
        statistics.largestPass = Swift.max(statistics.largestPass, items.count)
        metrics?.recordEncoderPass(size: items.count)
        return rows
    }
}

/// An encoder pass that broke its contract.
public enum BatcherError: Error, Equatable, CustomStringConvertible {
    /// The pass returned a different number of rows than it was given items.
    case wrongRowCount(expected: Int, got: Int)

    public var description: String {
        switch self {
        case let .wrongRowCount(expected, got): return "an encoder pass returned \(got) embeddings for \(expected) inputs"
        }
    }
}

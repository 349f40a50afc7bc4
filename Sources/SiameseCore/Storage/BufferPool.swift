import Synchronization

/// A process-wide cache of freed float buffers, keyed by element count.
///
/// A training step creates the same intermediate shapes every iteration; recycling their buffers
/// keeps `malloc`/`free` and page faults out of the step. Small buffers are not pooled (the system
/// allocator is fast for them) and the pool holds at most ``capacityBytes`` so memory stays bounded.
public final class BufferPool: Sendable {
    /// The shared pool used by every tensor.
    public static let shared = BufferPool()

    /// Buffers smaller than this many elements go straight back to the system allocator.
    static let minimumPooledCount = 1024

    private struct State: ~Copyable {
        // Addresses, not pointers, so the state stays Sendable.
        var free: [Int: [UInt]] = [:]
        var pooledBytes = 0
        var hits = 0
        var misses = 0
    }

    private let state = Mutex(State())

    /// Upper bound on the bytes kept for reuse.
    public let capacityBytes: Int

    init(capacityBytes: Int = 1 << 30) {
        self.capacityBytes = capacityBytes
    }

    /// Returns an uninitialised buffer of `count` floats, reused when one of that size is free.
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count >= Self.minimumPooledCount {
            let reused: UInt? = state.withLock { s in
                if var list = s.free[count], let p = list.popLast() {
                    s.free[count] = list
                    s.pooledBytes -= count * MemoryLayout<Float>.stride
                    s.hits += 1
                    return p
                }
                s.misses += 1
                return nil
            }
            if let reused, let p = UnsafeMutablePointer<Float>(bitPattern: reused) { return p }
        }
        return UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
    }

    /// Hands a buffer back; it is cached if there is room, else freed.
    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        if count >= Self.minimumPooledCount {
            let bytes = count * MemoryLayout<Float>.stride
            let address = UInt(bitPattern: pointer)
            let kept = state.withLock { s -> Bool in
                guard s.pooledBytes + bytes <= capacityBytes else { return false }
                s.free[count, default: []].append(address)
                s.pooledBytes += bytes
                return true
            }
            if kept { return }
        }
        pointer.deallocate()
    }

    /// Counts of pooled allocations served from the cache (`hits`) and from the system (`misses`).
    public var statistics: (hits: Int, misses: Int, pooledBytes: Int) {
        state.withLock { ($0.hits, $0.misses, $0.pooledBytes) }
    }

    /// Frees every cached buffer.
    public func drain() {
        let all = state.withLock { s -> [UInt] in
            let ptrs = s.free.values.flatMap { $0 }
            s.free = [:]
            s.pooledBytes = 0
            return ptrs
        }
        for a in all { UnsafeMutablePointer<Float>(bitPattern: a)?.deallocate() }
    }
}

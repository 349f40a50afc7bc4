import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A process-wide cache of freed float buffers, keyed by element count.
///
/// A training step creates the same intermediate shapes every iteration; recycling their buffers
/// keeps `malloc`/`free` and page faults out of the step (large buffers come from `mmap`, and every fresh
/// page costs a fault and a zeroing in the kernel). Small buffers are not pooled (the system allocator is
/// fast for them). The pool holds at most ``capacityBytes``; when a buffer does not fit, buffers of the
/// sizes least recently used are freed first, so a phase with other shapes (validation, a last partial
/// batch) cannot lock the training step's sizes out of the pool.
public final class BufferPool: Sendable {
    /// The shared pool used by every tensor: a quarter of physical memory, at most 8 GiB.
    public static let shared = BufferPool(capacityBytes: defaultCapacity)

    /// Buffers smaller than this many elements go straight back to the system allocator.
    static let minimumPooledCount = 1024

    static var defaultCapacity: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 1 << 30 }
        return Swift.min(Int(pages) * Int(pageSize) / 4, 8 << 30)
    }

    private struct State: ~Copyable {
        // Addresses, not pointers, so the state stays Sendable.
        var free: [Int: [UInt]] = [:]
        /// When each size was last taken or given (a counter, not a clock).
        var lastUse: [Int: UInt64] = [:]
        var tick: UInt64 = 0
        var pooledBytes = 0
        var hits = 0
        var misses = 0
        var evictions = 0
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
                s.tick &+= 1
                s.lastUse[count] = s.tick
                if var list = s.free[count], let p = list.popLast() {
                    s.free[count] = list.isEmpty ? nil : list
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

    /// Hands a buffer back; it is cached (evicting buffers of stale sizes if needed), or freed if it alone
    /// exceeds the capacity.
    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        guard count >= Self.minimumPooledCount else { pointer.deallocate(); return }
        let bytes = count * MemoryLayout<Float>.stride
        guard bytes <= capacityBytes else { pointer.deallocate(); return }
        let address = UInt(bitPattern: pointer)
        let evicted = state.withLock { s -> [UInt] in
            var out: [UInt] = []
            while s.pooledBytes + bytes > capacityBytes {
                // The free size used longest ago; ties cannot happen (each use gets a new tick).
                guard let stale = s.free.keys.min(by: { s.lastUse[$0, default: 0] < s.lastUse[$1, default: 0] }),
                      var list = s.free[stale], let victim = list.popLast() else { break }
                s.free[stale] = list.isEmpty ? nil : list
                s.pooledBytes -= stale * MemoryLayout<Float>.stride
                s.evictions += 1
                out.append(victim)
            }
            s.tick &+= 1
            s.lastUse[count] = s.tick
            s.free[count, default: []].append(address)
            s.pooledBytes += bytes
            return out
        }
        for a in evicted { UnsafeMutablePointer<Float>(bitPattern: a)?.deallocate() }
    }

    /// Counts of pooled allocations served from the cache (`hits`) and from the system (`misses`), the bytes
    /// held now, and how many cached buffers were freed to make room (`evictions`).
    public var statistics: (hits: Int, misses: Int, pooledBytes: Int, evictions: Int) {
        state.withLock { ($0.hits, $0.misses, $0.pooledBytes, $0.evictions) }
    }

    /// Overwrites every cached buffer with `value` and returns how many there were: tests use NaN to show that
    /// no kernel reads memory it did not write.
    @discardableResult
    func fillCachedBuffers(with value: Float) -> Int {
        state.withLock { s in
            var filled = 0
            for (count, addresses) in s.free {
                for a in addresses {
                    UnsafeMutablePointer<Float>(bitPattern: a)?.update(repeating: value, count: count)
                    filled += 1
                }
            }
            return filled
        }
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

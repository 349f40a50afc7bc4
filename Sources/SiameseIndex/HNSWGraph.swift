import CSiameseKernels
import Foundation

/// The storage and algorithm behind ``HNSWIndex``: the layered proximity graph of Malkov & Yashunin (2018), built
/// as hnswlib builds it.
///
/// Nodes are numbered `0..<count` in insertion order. Node vectors are stored contiguously (normalised for
/// cosine). Level-0 neighbour lists hold up to `maxM0 = 2M` entries, the lists of the upper levels up to `M`;
/// each list is a count followed by its slots (`Int32`). Distances are "smaller is closer": the squared L2
/// distance, or `−q·r` for the similarities (hnswlib uses `1 − q·r`, which orders the same).
///
/// The class is mutated only through ``HNSWIndex``'s copy-on-write (it is copied before a mutation whenever it
/// is shared), so concurrent searches only ever read it.
final class HNSWGraph: @unchecked Sendable {
    let dimension: Int
    let useL2: Bool
    let M: Int
    let maxM0: Int
    let efConstruction: Int
    /// hnswlib's `mult_`: levels are `⌊−ln(u) · levelMultiplier⌋` for `u` uniform in (0, 1].
    let levelMultiplier: Double

    private(set) var count = 0
    private var capacity = 0
    private var upperCapacity = 0
    private(set) var upperCount = 0
    private(set) var vectors: UnsafeMutablePointer<Float>
    private(set) var links0: UnsafeMutablePointer<Int32>
    /// The upper-level lists of all nodes above level 0, one block of `level · (M + 1)` per node.
    private(set) var upperLinks: UnsafeMutablePointer<Int32>
    /// Where each node's block starts in ``upperLinks`` (0 and unused for level-0 nodes).
    var upperStart: [Int] = []
    var levels: [Int32] = []
    var labels: [Int] = []
    var deleted: [Bool] = []
    var deletedCount = 0
    var entryPoint: Int32 = -1
    var maxLevel = -1
    /// The state of the level generator (SplitMix64), advanced once per inserted node.
    var rngState: UInt64

    var linkStride0: Int { maxM0 + 1 }
    var linkStrideUpper: Int { M + 1 }

    init(dimension: Int, useL2: Bool, M: Int, efConstruction: Int, seed: UInt64) {
        self.dimension = dimension
        self.useL2 = useL2
        self.M = M
        maxM0 = 2 * M
        self.efConstruction = efConstruction
        levelMultiplier = 1 / log(Double(M))
        rngState = seed
        vectors = .allocate(capacity: 1)
        links0 = .allocate(capacity: 1)
        upperLinks = .allocate(capacity: 1)
    }

    deinit {
        vectors.deallocate()
        links0.deallocate()
        upperLinks.deallocate()
    }

    /// A deep copy (for copy-on-write).
    func copy() -> HNSWGraph {
        let g = HNSWGraph(dimension: dimension, useL2: useL2, M: M, efConstruction: efConstruction, seed: rngState)
        g.reserve(count)
        g.reserveUpper(upperCount)
        g.vectors.update(from: vectors, count: count * dimension)
        g.links0.update(from: links0, count: count * linkStride0)
        g.upperLinks.update(from: upperLinks, count: upperCount)
        g.count = count
        g.upperCount = upperCount
        g.upperStart = upperStart
        g.levels = levels
        g.labels = labels
        g.deleted = deleted
        g.deletedCount = deletedCount
        g.entryPoint = entryPoint
        g.maxLevel = maxLevel
        return g
    }

    // MARK: Storage

    func reserve(_ nodes: Int) {
        guard nodes > capacity else { return }
        let newCapacity = Swift.max(nodes, capacity * 2, 16)
        let v = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity * dimension)
        v.update(from: vectors, count: count * dimension)
        vectors.deallocate()
        vectors = v
        let l = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity * linkStride0)
        l.update(from: links0, count: count * linkStride0)
        links0.deallocate()
        links0 = l
        capacity = newCapacity
    }

    private func reserveUpper(_ slots: Int) {
        guard slots > upperCapacity else { return }
        let newCapacity = Swift.max(slots, upperCapacity * 2, 64)
        let u = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        u.update(from: upperLinks, count: upperCount)
        upperLinks.deallocate()
        upperLinks = u
        upperCapacity = newCapacity
    }

    /// Appends a node (its vector already prepared) at `level` with empty neighbour lists; returns its number.
    func appendNode(_ vector: UnsafePointer<Float>, label: Int, level: Int) -> Int32 {
        reserve(count + 1)
        let node = count
        (vectors + node * dimension).update(from: vector, count: dimension)
        (links0 + node * linkStride0).initialize(repeating: 0, count: linkStride0)
        if level > 0 {
            let slots = level * linkStrideUpper
            reserveUpper(upperCount + slots)
            (upperLinks + upperCount).initialize(repeating: 0, count: slots)
            upperStart.append(upperCount)
            upperCount += slots
        } else {
            upperStart.append(0)
        }
        levels.append(Int32(level))
        labels.append(label)
        deleted.append(false)
        count += 1
        return Int32(node)
    }

    /// Restores raw storage (used by the file reader, which validates everything first).
    func restore(vectors v: UnsafeRawBufferPointer, links0 l: UnsafeRawBufferPointer, upper u: UnsafeRawBufferPointer, nodes: Int) {
        reserve(nodes)
        reserveUpper(u.count / 4)
        UnsafeMutableRawPointer(vectors).copyMemory(from: v.baseAddress!, byteCount: v.count)
        UnsafeMutableRawPointer(links0).copyMemory(from: l.baseAddress!, byteCount: l.count)
        if u.count > 0 { UnsafeMutableRawPointer(upperLinks).copyMemory(from: u.baseAddress!, byteCount: u.count) }
        count = nodes
        upperCount = u.count / 4
    }

    /// The neighbour list of `node` at `level`: element 0 is the count, then the slots.
    @inline(__always)
    func links(_ node: Int32, level: Int) -> UnsafeMutablePointer<Int32> {
        if level == 0 { return links0 + Int(node) * linkStride0 }
        return upperLinks + upperStart[Int(node)] + (level - 1) * linkStrideUpper
    }

    @inline(__always)
    func vector(_ node: Int32) -> UnsafeMutablePointer<Float> { vectors + Int(node) * dimension }

    @inline(__always)
    func distance(_ q: UnsafePointer<Float>, _ node: Int32) -> Float {
        useL2 ? sk_l2sq_f32(q, vectors + Int(node) * dimension, dimension)
            : -sk_dot_f32(q, vectors + Int(node) * dimension, dimension)
    }

    /// The next level from the seeded generator (SplitMix64, then hnswlib's `−ln(u) · mult`).
    func randomLevel() -> Int {
        rngState &+= 0x9E37_79B9_7F4A_7C15
        var z = rngState
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let u = Double((z >> 11) + 1) / 9_007_199_254_740_992  // (0, 1]
        return Int(-log(u) * levelMultiplier)
    }

    // MARK: Search

    /// Greedy descent from `entry` through levels `from` down to `to + 1` (hnswlib's upper-level walk, ef = 1).
    func greedy(_ q: UnsafePointer<Float>, entry: Int32, from: Int, to: Int) -> Int32 {
        var current = entry
        var currentDistance = distance(q, current)
        var level = from
        while level > to {
            var changed = true
            while changed {
                changed = false
                let list = links(current, level: level)
                let n = Int(list[0])
                for j in 1...Swift.max(n, 1) where j <= n {
                    let candidate = list[j]
                    let d = distance(q, candidate)
                    if d < currentDistance {
                        currentDistance = d
                        current = candidate
                        changed = true
                    }
                }
            }
            level -= 1
        }
        return current
    }

    /// The best-first search of one level from `entry` (hnswlib's `searchBaseLayer`): leaves at most `ef` nodes
    /// in `scratch.top`. With `skipDeleted`, deleted nodes are walked through but never kept.
    func searchLayer(_ q: UnsafePointer<Float>, entry: Int32, level: Int, ef: Int, scratch s: HNSWScratch, skipDeleted: Bool) {
        s.beginVisit(nodes: count)
        s.reserveFresh(Swift.max(maxM0, M))
        let top = s.top, candidates = s.candidates
        top.clear()
        candidates.clear()
        let visited = s.visited, tag = s.tag
        let vectors = UnsafePointer(self.vectors), d = dimension, l2 = useL2
        @inline(__always) func distanceTo(_ node: Int32) -> Float {
            l2 ? sk_l2sq_f32(q, vectors + Int(node) * d, d) : -sk_dot_f32(q, vectors + Int(node) * d, d)
        }
        let d0 = distanceTo(entry)
        var bound = Float.infinity
        if !(skipDeleted && deleted[Int(entry)]) {
            top.push(~HNSWKey.make(d0, entry))
            bound = d0
        }
        candidates.push(HNSWKey.make(d0, entry))
        visited[Int(entry)] = tag
        let fresh = s.fresh, found = s.distances
        while candidates.count > 0 {
            let best = candidates.peek
            if HNSWKey.distance(best) > bound && (top.count >= ef || !skipDeleted) { break }
            candidates.pop()
            let list = links(HNSWKey.node(best), level: level)
            let n = Int(list[0])
            if n == 0 { continue }
            // The neighbours not seen yet, in list order (marked now: a list holds no repeats), their vectors
            // requested from memory at once; then their distances four at a time, taken in list order, so the
            // heaps see exactly the sequence hnswlib's one-by-one loop gives.
            var m = 0
            for j in 1...n {
                let neighbour = list[j]
                if visited[Int(neighbour)] == tag { continue }
                visited[Int(neighbour)] = tag
                let v = vectors + Int(neighbour) * d
                sk_prefetch(v)
                sk_prefetch(v + 16)
                sk_prefetch(v + 32)
                sk_prefetch(v + 48)
                fresh[m] = neighbour
                m += 1
            }
            var j = 0
            while j < m {
                let batch = Swift.min(4, m - j)
                if batch == 4 {
                    let v0 = vectors + Int(fresh[j]) * d, v1 = vectors + Int(fresh[j + 1]) * d
                    let v2 = vectors + Int(fresh[j + 2]) * d, v3 = vectors + Int(fresh[j + 3]) * d
                    if l2 {
                        sk_l2sq_f32_x4(q, v0, v1, v2, v3, d, found)
                    } else {
                        sk_dot_f32_x4(q, v0, v1, v2, v3, d, found)
                        for r in 0..<4 { found[r] = -found[r] }
                    }
                } else {
                    for r in 0..<batch { found[r] = distanceTo(fresh[j + r]) }
                }
                for r in 0..<batch {
                    let neighbour = fresh[j + r], dist = found[r]
                    if top.count < ef || dist < bound {
                        candidates.push(HNSWKey.make(dist, neighbour))
                        if !(skipDeleted && deleted[Int(neighbour)]) {
                            top.push(~HNSWKey.make(dist, neighbour))
                            if top.count > ef { top.pop() }
                            bound = HNSWKey.distance(~top.peek)
                        }
                    }
                }
                j += batch
            }
        }
    }

    /// The `k` nearest live nodes to `q`, closest first, as `(distance, node)`.
    func search(_ q: UnsafePointer<Float>, k: Int, ef: Int, scratch: HNSWScratch) -> [(Float, Int32)] {
        guard entryPoint >= 0 else { return [] }
        let start = greedy(q, entry: entryPoint, from: maxLevel, to: 0)
        searchLayer(q, entry: start, level: 0, ef: Swift.max(ef, k), scratch: scratch, skipDeleted: deletedCount > 0)
        var found = scratch.top.drainAscendingFromComplemented()
        if found.count > k { found.removeLast(found.count - k) }
        return found.map { (HNSWKey.distance($0), HNSWKey.node($0)) }
    }

    // MARK: Insertion

    /// hnswlib's `getNeighborsByHeuristic2`: from candidates sorted closest first, keeps a candidate only if it
    /// is closer to the query than to every candidate already kept, up to `m`.
    private func selectNeighbors(_ candidates: [UInt64], m: Int) -> [UInt64] {
        if candidates.count <= m { return candidates }
        var selected: [UInt64] = []
        selected.reserveCapacity(m)
        for c in candidates {
            if selected.count >= m { break }
            let dc = HNSWKey.distance(c), vc = vector(HNSWKey.node(c))
            var good = true
            for s in selected where distance(vc, HNSWKey.node(s)) < dc {
                good = false
                break
            }
            if good { selected.append(c) }
        }
        return selected
    }

    /// Links `node` at `level` to a heuristic selection of `candidates` (sorted closest first) and each of those
    /// back to it, shrinking full lists with the same heuristic (hnswlib's `mutuallyConnectNewElement`).
    /// Returns the closest selected node, the entry point for the next level down.
    func connect(_ node: Int32, level: Int, candidates: [UInt64]) -> Int32 {
        let maxLinks = level == 0 ? maxM0 : M
        let selected = selectNeighbors(candidates, m: M)
        let own = links(node, level: level)
        own[0] = Int32(selected.count)
        for (j, s) in selected.enumerated() { own[j + 1] = HNSWKey.node(s) }
        let nodeVector = vector(node)
        for s in selected {
            let other = HNSWKey.node(s)
            let list = links(other, level: level)
            let n = Int(list[0])
            if n < maxLinks {
                list[n + 1] = node
                list[0] = Int32(n + 1)
            } else {
                let otherVector = vector(other)
                var pool: [UInt64] = [HNSWKey.make(distance(nodeVector, other), node)]
                pool.reserveCapacity(n + 1)
                for j in 1...n { pool.append(HNSWKey.make(distance(otherVector, list[j]), list[j])) }
                pool.sort()
                let kept = selectNeighbors(pool, m: maxLinks)
                list[0] = Int32(kept.count)
                for (j, k) in kept.enumerated() { list[j + 1] = HNSWKey.node(k) }
            }
        }
        return HNSWKey.node(selected[0])
    }

    /// Inserts `vector` with `label` (hnswlib's `addPoint`); returns the new node.
    @discardableResult
    func insert(_ vector: UnsafePointer<Float>, label: Int, scratch: HNSWScratch) -> Int32 {
        let level = randomLevel()
        let node = appendNode(vector, label: label, level: level)
        let q = UnsafePointer(self.vector(node))
        guard entryPoint >= 0 else {
            entryPoint = node
            maxLevel = level
            return node
        }
        var entry = entryPoint
        if level < maxLevel { entry = greedy(q, entry: entry, from: maxLevel, to: level) }
        var l = Swift.min(level, maxLevel)
        while l >= 0 {
            searchLayer(q, entry: entry, level: l, ef: efConstruction, scratch: scratch, skipDeleted: false)
            var found = scratch.top.drainAscendingFromComplemented()
            found.removeAll { HNSWKey.node($0) == node }
            if !found.isEmpty { entry = connect(node, level: l, candidates: found) }
            l -= 1
        }
        if level > maxLevel {
            entryPoint = node
            maxLevel = level
        }
        return node
    }
}

extension HNSWGraph {
    /// Inserts `rows` vectors in batches whose searches run in parallel, deterministically: the graph depends on the
    /// seed, the vectors and their order, never on `threads`.
    ///
    /// Each batch (of `min(256, max(1, count / 16))` nodes, a function of the graph's size only) is appended first;
    /// then every new node searches the graph as it stood before the batch (hnswlib's descent and
    /// `efConstruction`-wide layer searches, in parallel, read-only); then, one node after the other in order, its
    /// candidates are merged with the batch's earlier nodes on each level (exact distances) and it is connected
    /// with hnswlib's heuristic, as in ``insert(_:label:scratch:)``.
    func insertBatched(_ vectors: UnsafePointer<Float>, rows: Int, labels newLabels: [Int], threads: Int, pool: HNSWScratchPool) -> [Int32] {
        var done = 0
        var nodes: [Int32] = []
        nodes.reserveCapacity(rows)
        reserve(count + rows)
        while done < rows {
            let batch = Swift.min(rows - done, Swift.min(256, Swift.max(1, count / 16)))
            let oldEntry = entryPoint, oldMaxLevel = maxLevel
            let first = count
            for r in done..<(done + batch) {
                nodes.append(appendNode(vectors + r * dimension, label: newLabels[r], level: randomLevel()))
            }
            // Phase 1, parallel and read-only: each new node's candidates per level in the graph before the batch.
            var found = [[[UInt64]]](repeating: [], count: batch)
            if oldEntry >= 0 {
                let workers = Swift.max(1, Swift.min(threads, batch))
                found.withUnsafeMutableBufferPointer { out in
                    let shared = HNSWBatchOutput(found: out)
                    let body: @Sendable (Int) -> Void = { chunk in
                        let scratch = pool.take()
                        defer { pool.put(scratch) }
                        for b in (batch * chunk / workers)..<(batch * (chunk + 1) / workers) {
                            shared.found[b] = self.candidates(for: Int32(first + b), entry: oldEntry, maxLevel: oldMaxLevel, scratch: scratch)
                        }
                    }
                    if workers == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: body) }
                }
            }
            // Phase 2, sequential: merge with the batch's earlier nodes, then connect.
            for b in 0..<batch {
                let node = Int32(first + b), level = Int(levels[first + b]), q = UnsafePointer(vector(node))
                for l in stride(from: level, through: 0, by: -1) {
                    var merged = l < found[b].count ? found[b][found[b].count - 1 - l] : []
                    for e in 0..<b where Int(levels[first + e]) >= l {
                        merged.append(HNSWKey.make(distance(q, Int32(first + e)), Int32(first + e)))
                    }
                    guard !merged.isEmpty else { continue }
                    merged.sort()
                    if merged.count > efConstruction { merged.removeLast(merged.count - efConstruction) }
                    _ = connect(node, level: l, candidates: merged)
                }
                if level > maxLevel || entryPoint < 0 {
                    entryPoint = node
                    maxLevel = level
                }
            }
            done += batch
        }
        return nodes
    }

    /// The candidates of `node` on each of its levels up to `maxLevel`, top level first (phase 1 of a batch).
    private func candidates(for node: Int32, entry: Int32, maxLevel: Int, scratch: HNSWScratch) -> [[UInt64]] {
        let q = UnsafePointer(vector(node)), level = Int(levels[Int(node)])
        var ep = entry
        if level < maxLevel { ep = greedy(q, entry: ep, from: maxLevel, to: level) }
        var result: [[UInt64]] = []
        var l = Swift.min(level, maxLevel)
        while l >= 0 {
            searchLayer(q, entry: ep, level: l, ef: efConstruction, scratch: scratch, skipDeleted: false)
            let found = scratch.top.drainAscendingFromComplemented()
            result.append(found)
            if let closest = found.first { ep = HNSWKey.node(closest) }
            l -= 1
        }
        return result
    }
}

/// Phase-1 results of a batch, written by several threads, each to its own rows.
private struct HNSWBatchOutput: @unchecked Sendable {
    let found: UnsafeMutableBufferPointer<[[UInt64]]>
}

/// A `(distance, node)` pair packed in 64 bits so that integer order is (distance, node) order: the distance's
/// bits made order-preserving in the high half, the node in the low half (so ties go to the older node).
enum HNSWKey {
    @inline(__always)
    static func make(_ distance: Float, _ node: Int32) -> UInt64 {
        let bits = distance.bitPattern
        let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return UInt64(ordered) << 32 | UInt64(UInt32(bitPattern: node))
    }

    @inline(__always)
    static func distance(_ key: UInt64) -> Float {
        let ordered = UInt32(truncatingIfNeeded: key >> 32)
        return Float(bitPattern: ordered & 0x8000_0000 != 0 ? ordered & 0x7FFF_FFFF : ~ordered)
    }

    @inline(__always)
    static func node(_ key: UInt64) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: key)) }
}

/// A binary min-heap of keys in a growable buffer (a max-heap when keys are stored complemented).
final class HNSWHeap {
    private var buffer: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    @inline(__always) func clear() { count = 0 }
    @inline(__always) var peek: UInt64 { buffer[0] }

    @inline(__always)
    func push(_ key: UInt64) {
        if count == capacity {
            let b = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity * 2)
            b.update(from: buffer, count: count)
            buffer.deallocate()
            buffer = b
            capacity *= 2
        }
        var i = count
        count += 1
        while i > 0 {
            let parent = (i - 1) >> 1
            let p = buffer[parent]
            if p <= key { break }
            buffer[i] = p
            i = parent
        }
        buffer[i] = key
    }

    @inline(__always)
    func pop() {
        count -= 1
        guard count > 0 else { return }
        let key = buffer[count]
        var i = 0
        while true {
            var child = 2 * i + 1
            if child >= count { break }
            if child + 1 < count && buffer[child + 1] < buffer[child] { child += 1 }
            if key <= buffer[child] { break }
            buffer[i] = buffer[child]
            i = child
        }
        buffer[i] = key
    }

    /// Empties a heap of complemented keys, returning the original keys in ascending order.
    func drainAscendingFromComplemented() -> [UInt64] {
        var out = [UInt64](repeating: 0, count: count)
        var i = count - 1
        while count > 0 {
            out[i] = ~peek
            pop()
            i -= 1
        }
        return out
    }
}

/// Per-thread search state: the visited marks (a generation tag per node) and the two heaps.
final class HNSWScratch: @unchecked Sendable {
    private(set) var visited: UnsafeMutablePointer<UInt16>
    private var visitedCapacity = 0
    private(set) var tag: UInt16 = 0
    let candidates = HNSWHeap()
    let top = HNSWHeap()
    /// The unvisited neighbours of the node being expanded, and their distances four at a time.
    private(set) var fresh: UnsafeMutablePointer<Int32>
    private var freshCapacity = 0
    let distances = UnsafeMutablePointer<Float>.allocate(capacity: 4)

    init() {
        visited = .allocate(capacity: 1)
        fresh = .allocate(capacity: 1)
    }

    deinit {
        visited.deallocate()
        fresh.deallocate()
        distances.deallocate()
    }

    /// Room for a neighbour list of `slots` entries in ``fresh``.
    func reserveFresh(_ slots: Int) {
        guard slots > freshCapacity else { return }
        fresh.deallocate()
        freshCapacity = slots
        fresh = .allocate(capacity: slots)
    }

    /// Starts a new search over `nodes` nodes: a fresh tag, clearing the marks when the tag wraps.
    func beginVisit(nodes: Int) {
        if nodes > visitedCapacity {
            visited.deallocate()
            visitedCapacity = Swift.max(nodes, visitedCapacity * 2)
            visited = .allocate(capacity: visitedCapacity)
            visited.initialize(repeating: 0, count: visitedCapacity)
            tag = 0
        }
        if tag == UInt16.max {
            visited.update(repeating: 0, count: visitedCapacity)
            tag = 0
        }
        tag += 1
    }
}

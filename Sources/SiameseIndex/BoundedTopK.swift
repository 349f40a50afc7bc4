import CSiameseKernels

/// Bounded top-k selection for a block of queries: one binary heap of at most `k` candidates per query, kept by
/// the C kernels `sk_topk_offer` / `sk_topk_scan` (faiss keeps the same per-query heaps in its `HeapArray`).
///
/// Candidates are ranked by a *distance* where smaller is better, ties going to the smaller id. Each heap keeps
/// its worst candidate at the root, so a candidate that does not beat the root is rejected with one comparison
/// (and ``scan(_:rows:columns:stride:rowNorms:columnNorms:columnIDs:firstRow:)`` compares 16 or 8 columns at
/// once) while an accepted one costs `O(log k)`. Memory is `rows · k` distances and ids, whatever the number of
/// references scanned. Not thread-safe: a search gives each worker thread its own (hence `@unchecked Sendable`).
final class BoundedTopK: @unchecked Sendable {
    let rows: Int
    let k: Int
    private let keys: UnsafeMutablePointer<Float>
    private let ids: UnsafeMutablePointer<Int>
    private let counts: UnsafeMutablePointer<Int>

    init(rows: Int, k: Int) {
        precondition(rows >= 0 && k >= 1, "BoundedTopK: need rows ≥ 0 and k ≥ 1")
        self.rows = rows
        self.k = k
        keys = .allocate(capacity: Swift.max(rows * k, 1))
        ids = .allocate(capacity: Swift.max(rows * k, 1))
        counts = .allocate(capacity: Swift.max(rows, 1))
        counts.initialize(repeating: 0, count: Swift.max(rows, 1))
    }

    deinit {
        keys.deallocate()
        ids.deallocate()
        counts.deallocate()
    }

    /// Empties every heap (for the next block of queries).
    func reset() {
        counts.update(repeating: 0, count: rows)
    }

    /// Offers a candidate with a *key* where larger is better (its negation is the distance) to the heap of
    /// `row`. NaN keys rank below everything.
    @inline(__always)
    func offer(row: Int, key: Float, id: Int) {
        sk_topk_offer(-key, id, k, keys + row * k, ids + row * k, counts + row)
    }

    /// Offers a distance (smaller is better) to the heap of `row`.
    @inline(__always)
    func offer(row: Int, distance: Float, id: Int) {
        sk_topk_offer(distance, id, k, keys + row * k, ids + row * k, counts + row)
    }

    /// Offers every entry of a `rows × columns` score block (row stride `stride`) to the heaps of rows
    /// `firstRow…`: the squared L2 distance `max(0, (rowNorms[i] + columnNorms[j]) + block[i, j])` when
    /// `columnNorms` is given (the block holding `−2 q·x`), else `block[i, j]` itself as the distance.
    func scan(_ block: UnsafePointer<Float>, rows m: Int, columns: Int, stride: Int, rowNorms: UnsafePointer<Float>?,
              columnNorms: UnsafePointer<Float>?, columnIDs: UnsafePointer<Int>, firstRow: Int = 0) {
        sk_topk_scan(block, m, columns, stride, rowNorms, columnNorms, columnIDs, k,
                     keys + firstRow * k, ids + firstRow * k, counts + firstRow)
    }

    /// Offers everything `other` holds for `row` to this heap's `row` (merging the parts of a split search).
    func merge(row: Int, from other: BoundedTopK) {
        let base = row * other.k
        for j in 0..<other.counts[row] { offer(row: row, distance: other.keys[base + j], id: other.ids[base + j]) }
    }

    /// The candidates kept for `row` as distances, best (smallest) first; empties the row's heap.
    func drainSortedDistances(row: Int) -> (distances: [Float], ids: [Int]) {
        let n = counts[row], hk = keys + row * k, hi = ids + row * k
        sk_topk_sort(k, hk, hi, n)
        counts[row] = 0
        return (Array(UnsafeBufferPointer(start: hk, count: n)), Array(UnsafeBufferPointer(start: hi, count: n)))
    }

    /// The candidates kept for `row` as keys (larger is better), best first; the heap is left as it was.
    func sorted(row: Int) -> (keys: [Float], ids: [Int]) {
        let n = counts[row]
        var distances = Array(UnsafeBufferPointer(start: keys + row * k, count: n))
        var kept = Array(UnsafeBufferPointer(start: ids + row * k, count: n))
        distances.withUnsafeMutableBufferPointer { d in
            kept.withUnsafeMutableBufferPointer { i in sk_topk_sort(k, d.baseAddress, i.baseAddress, n) }
        }
        return (distances.map { -$0 }, kept)
    }
}

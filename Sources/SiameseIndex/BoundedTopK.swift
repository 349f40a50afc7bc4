/// Bounded top-k selection for a block of queries: one binary heap of at most `k` candidates per query.
///
/// Candidates are compared by a *key* where larger is better (the similarity, or the negated squared distance),
/// ties going to the smaller id. Each heap keeps its worst candidate at the root, so a candidate that does not
/// beat the root is rejected with one comparison and an accepted one costs `O(log k)`. Memory is
/// `rows · k` keys and ids, whatever the number of references scanned.
final class BoundedTopK {
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

    /// Whether `(keyA, idA)` ranks before `(keyB, idB)`.
    @inline(__always)
    static func isBetter(_ keyA: Float, _ idA: Int, than keyB: Float, _ idB: Int) -> Bool {
        keyA > keyB || (keyA == keyB && idA < idB)
    }

    /// Offers a candidate to the heap of `row`. NaN keys rank below everything.
    @inline(__always)
    func offer(row: Int, key rawKey: Float, id: Int) {
        let key = rawKey.isNaN ? -Float.infinity : rawKey
        let heapKeys = keys + row * k, heapIDs = ids + row * k
        let n = counts[row]
        if n == k {
            guard Self.isBetter(key, id, than: heapKeys[0], heapIDs[0]) else { return }
            // Replace the root (the worst kept) and sift down: the worse child moves up.
            var i = 0
            while true {
                let left = 2 * i + 1
                if left >= k { break }
                var child = left
                let right = left + 1
                if right < k && Self.isBetter(heapKeys[left], heapIDs[left], than: heapKeys[right], heapIDs[right]) {
                    child = right
                }
                guard Self.isBetter(key, id, than: heapKeys[child], heapIDs[child]) else { break }
                heapKeys[i] = heapKeys[child]
                heapIDs[i] = heapIDs[child]
                i = child
            }
            heapKeys[i] = key
            heapIDs[i] = id
        } else {
            // Append and sift up: a parent better than the newcomer moves down.
            var i = n
            counts[row] = n + 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard Self.isBetter(heapKeys[parent], heapIDs[parent], than: key, id) else { break }
                heapKeys[i] = heapKeys[parent]
                heapIDs[i] = heapIDs[parent]
                i = parent
            }
            heapKeys[i] = key
            heapIDs[i] = id
        }
    }

    /// The candidates kept for `row`, best first.
    func sorted(row: Int) -> (keys: [Float], ids: [Int]) {
        let n = counts[row], base = row * k
        let pairs = (0..<n).map { (keys[base + $0], ids[base + $0]) }
            .sorted { Self.isBetter($0.0, $0.1, than: $1.0, $1.1) }
        return (pairs.map(\.0), pairs.map(\.1))
    }
}

import SiameseCore
@testable import SiameseIndex
import Testing

@Suite struct BoundedTopKTests {
    @Test(arguments: [1, 2, 5, 16, 100])
    func keepsTheBestKOfAStreamInOrder(k: Int) {
        var g = SeededGenerator(seed: UInt64(k))
        let rows = 3, length = 257
        let heaps = BoundedTopK(rows: rows, k: k)
        var streams: [[(Float, Int)]] = Array(repeating: [], count: rows)
        for row in 0..<rows {
            for id in (0..<length).shuffled(using: &g) {
                // Few distinct keys, so many ties must be broken by the smaller id.
                let key = Float(g.nextInt(below: 20)) / 4
                streams[row].append((key, id))
                heaps.offer(row: row, key: key, id: id)
            }
        }
        for row in 0..<rows {
            let expected = streams[row].sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }.prefix(k)
            let got = heaps.sorted(row: row)
            #expect(got.keys == expected.map(\.0))
            #expect(got.ids == expected.map(\.1))
        }
        heaps.reset()
        #expect(heaps.sorted(row: 0).ids.isEmpty)
    }

    @Test func fewerCandidatesThanKAreAllKept() {
        let heaps = BoundedTopK(rows: 1, k: 10)
        for (id, key) in [Float(3), 1, 2].enumerated() { heaps.offer(row: 0, key: key, id: id) }
        #expect(heaps.sorted(row: 0).keys == [3, 2, 1])
        #expect(heaps.sorted(row: 0).ids == [0, 2, 1])
    }

    @Test func nanKeysRankLast() {
        let heaps = BoundedTopK(rows: 1, k: 2)
        heaps.offer(row: 0, key: .nan, id: 0)
        heaps.offer(row: 0, key: -5, id: 1)
        heaps.offer(row: 0, key: -6, id: 2)
        #expect(heaps.sorted(row: 0).ids == [1, 2])
    }

    /// The fused block scan (`sk_topk_scan`: vector comparison with the heap root, then the heap) keeps exactly
    /// what offering every entry one by one keeps, for L2 blocks (norms added, clamped at 0) and plain ones, with
    /// ragged widths (tails past the last full vector), many ties, and blocks scanned one after the other.
    @Test(arguments: [(1, 1), (3, 17), (10, 40), (25, 100)])
    func blockScanMatchesOneByOneOffers(k: Int, columns: Int) {
        var g = SeededGenerator(seed: UInt64(k * 1_000 + columns))
        let rows = 4, blocks = 3
        for l2 in [false, true] {
            let fused = BoundedTopK(rows: rows, k: k), reference = BoundedTopK(rows: rows, k: k)
            let rowNorms = (0..<rows).map { _ in Float(g.nextInt(below: 8)) }
            var expected: [[(Float, Int)]] = Array(repeating: [], count: rows)
            for b in 0..<blocks {
                // Few distinct values (ties broken by id); ids not in column order.
                let block = (0..<(rows * columns)).map { _ in Float(g.nextInt(below: 12)) - 8 }
                let columnNorms = (0..<columns).map { _ in Float(g.nextInt(below: 4)) }
                let ids = (0..<columns).map { (b * columns + $0) * 7 % (blocks * columns + 1) }
                block.withUnsafeBufferPointer { bp in
                    rowNorms.withUnsafeBufferPointer { rn in
                        columnNorms.withUnsafeBufferPointer { cn in
                            ids.withUnsafeBufferPointer { ip in
                                fused.scan(bp.baseAddress!, rows: rows, columns: columns, stride: columns,
                                           rowNorms: l2 ? rn.baseAddress : nil, columnNorms: l2 ? cn.baseAddress : nil,
                                           columnIDs: ip.baseAddress!)
                            }
                        }
                    }
                }
                for i in 0..<rows {
                    for j in 0..<columns {
                        let s = block[i * columns + j]
                        let distance = l2 ? Swift.max(0, (rowNorms[i] + columnNorms[j]) + s) : s
                        reference.offer(row: i, distance: distance, id: ids[j])
                        expected[i].append((distance, ids[j]))
                    }
                }
            }
            for i in 0..<rows {
                let naive = expected[i].sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.prefix(k)
                let one = reference.drainSortedDistances(row: i), both = fused.drainSortedDistances(row: i)
                #expect(both.distances == naive.map(\.0), "l2 \(l2) row \(i)")
                #expect(both.ids == naive.map(\.1), "l2 \(l2) row \(i)")
                #expect(one.ids == both.ids && one.distances == both.distances)
            }
        }
    }

    /// Merging the heaps of two halves of a stream keeps the best k of the whole stream.
    @Test func mergingTwoHeapsKeepsTheBestOfBoth() {
        var g = SeededGenerator(seed: 5)
        let a = BoundedTopK(rows: 1, k: 6), b = BoundedTopK(rows: 1, k: 6)
        var all: [(Float, Int)] = []
        for id in 0..<200 {
            let distance = Float(g.nextInt(below: 30))
            all.append((distance, id))
            (id % 3 == 0 ? a : b).offer(row: 0, distance: distance, id: id)
        }
        a.merge(row: 0, from: b)
        let best = all.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.prefix(6)
        let got = a.drainSortedDistances(row: 0)
        #expect(got.distances == best.map(\.0) && got.ids == best.map(\.1))
    }
}

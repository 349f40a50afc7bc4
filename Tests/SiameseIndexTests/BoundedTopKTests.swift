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
}

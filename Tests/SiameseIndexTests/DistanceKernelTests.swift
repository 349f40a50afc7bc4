import CSiameseKernels
import SiameseCore
import Testing

/// The graph searches' distance kernels: the four-at-a-time ones give exactly the one-at-a-time values (the graph
/// and the results must not depend on how a neighbour list is cut into fours), and both agree with a Double sum.
@Suite struct DistanceKernelTests {
    @Test(arguments: [1, 7, 15, 16, 17, 63, 64, 65, 100, 784, 1_000])
    func fourAtATimeIsBitIdenticalToOneAtATime(n: Int) {
        var g = SeededGenerator(seed: UInt64(n))
        let rows = (0..<5).map { _ in (0..<n).map { _ in 2 * g.nextUniform() - 1 } }
        let q = rows[0], v = Array(rows[1...])
        var l2 = [Float](repeating: 0, count: 4), dot = [Float](repeating: 0, count: 4)
        q.withUnsafeBufferPointer { qp in
            v[0].withUnsafeBufferPointer { a in
                v[1].withUnsafeBufferPointer { b in
                    v[2].withUnsafeBufferPointer { c in
                        v[3].withUnsafeBufferPointer { e in
                            sk_l2sq_f32_x4(qp.baseAddress, a.baseAddress, b.baseAddress, c.baseAddress, e.baseAddress, n, &l2)
                            sk_dot_f32_x4(qp.baseAddress, a.baseAddress, b.baseAddress, c.baseAddress, e.baseAddress, n, &dot)
                        }
                    }
                }
            }
        }
        for r in 0..<4 {
            let single = sk_l2sq_f32(q, v[r], n), singleDot = sk_dot_f32(q, v[r], n)
            #expect(l2[r].bitPattern == single.bitPattern, "n \(n) vector \(r): \(l2[r]) vs \(single)")
            #expect(dot[r].bitPattern == singleDot.bitPattern, "n \(n) vector \(r): \(dot[r]) vs \(singleDot)")
            let exactL2 = zip(q, v[r]).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
            let exactDot = zip(q, v[r]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            #expect(abs(Double(single) - exactL2) <= 1e-5 * max(1, exactL2))
            #expect(abs(Double(singleDot) - exactDot) <= 1e-5 * max(1, abs(exactDot)) + 1e-5 * Double(n))
        }
    }
}

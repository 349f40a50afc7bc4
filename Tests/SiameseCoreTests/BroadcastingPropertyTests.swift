import PropertyBased
import Testing
@testable import SiameseCore

/// Properties of the engine's shape rules on generated shapes: NumPy broadcasting, its gradients, views.
@Suite struct BroadcastingPropertyTests {
    /// A shape of rank 0...4 with sides 1...4, and a second shape made from it: a suffix (rank difference) with some
    /// sides set to 1, so the two always broadcast; `ones` also sets sides of the first to 1.
    static let pairs = zip(Gen.int(in: 1...4).array(of: 0...4), Gen.int(in: 0...4), Gen.bool.array(of: 4), Gen.bool.array(of: 4))
        .map { (base: [Int], drop: Int, onesA: [Bool], onesB: [Bool]) -> ([Int], [Int]) in
            let a = base.enumerated().map { onesA[$0.offset] ? 1 : $0.element }
            let suffix = Array(base.dropFirst(min(drop, base.count)))
            let b = suffix.enumerated().map { onesB[$0.offset] ? 1 : $0.element }
            return (a, b)
        }

    /// Values 1, 2, 3, … so that every element is told apart.
    static func counting(_ shape: [Int], from start: Float = 1) -> Tensor {
        Tensor((0..<Shape.count(shape)).map { start + Float($0) }, shape: shape)
    }

    /// The element of `t` that output position `index` (of `shape`) reads under broadcasting.
    static func broadcastValue(_ t: Tensor, at index: [Int]) -> Float {
        let offset = index.count - t.shape.count
        var flat = 0
        for (d, side) in t.shape.enumerated() { flat = flat * side + (side == 1 ? 0 : index[d + offset]) }
        return t.scalars[flat]
    }

    static func indices(_ shape: [Int]) -> [[Int]] {
        shape.reduce([[]]) { prefixes, side in prefixes.flatMap { p in (0..<side).map { p + [$0] } } }
    }

    @Test func broadcastShapesAreSymmetricAndKeepTheLargerSides() async {
        await propertyCheck(input: Self.pairs) { pair in
            let (a, b) = pair
            let out = Shape.broadcast(a, b)
            #expect(out == Shape.broadcast(b, a))
            #expect(out?.count == max(a.count, b.count))
            if let out {
                for (d, side) in out.enumerated() {
                    let da = d < out.count - a.count ? 1 : a[d - (out.count - a.count)]
                    let db = d < out.count - b.count ? 1 : b[d - (out.count - b.count)]
                    #expect(side == max(da, db) && (da == side || da == 1) && (db == side || db == 1))
                }
            }
            #expect(Shape.broadcast(a, a) == a)
            #expect(Shape.broadcast(a, []) == a)
        }
    }

    @Test func incompatibleSidesDoNotBroadcast() async {
        await propertyCheck(input: Gen.int(in: 1...4).array(of: 1...4), Gen.int(in: 2...5), Gen.int(in: 0...3)) { shape, side, position in
            var other = shape
            let d = position % shape.count
            guard shape[d] != 1 else { return }
            other[d] = shape[d] == side ? side + 1 : side
            #expect(Shape.broadcast(shape, other) == nil)
        }
    }

    @Test func elementwiseOperationsReadTheBroadcastElements() async {
        await propertyCheck(input: Self.pairs) { pair in
            let a = Self.counting(pair.0), b = Self.counting(pair.1, from: 100)
            let sum = a + b, product = a * b, difference = a - b
            let shape = Shape.broadcast(pair.0, pair.1)!
            #expect(sum.shape == shape && product.shape == shape && difference.shape == shape)
            for (k, index) in Self.indices(shape).enumerated() {
                let x = Self.broadcastValue(a, at: index), y = Self.broadcastValue(b, at: index)
                #expect(sum.scalars[k] == x + y)
                #expect(product.scalars[k] == x * y)
                #expect(difference.scalars[k] == x - y)
            }
            #expect((b + a).scalars == sum.scalars)
        }
    }

    /// The gradient of a broadcast operand has the operand's shape and sums over the copies it was broadcast to.
    @Test func gradientsReduceOverBroadcastAxes() async {
        await propertyCheck(input: Self.pairs) { pair in
            let a = Self.counting(pair.0).requiringGrad(), b = Self.counting(pair.1, from: 100).requiringGrad()
            (a + b).sum().backward()
            let shape = Shape.broadcast(pair.0, pair.1)!
            #expect(a.grad?.shape == pair.0 && b.grad?.shape == pair.1)
            let copiesA = Float(Shape.count(shape) / Shape.count(pair.0)), copiesB = Float(Shape.count(shape) / Shape.count(pair.1))
            #expect(a.grad?.scalars == [Float](repeating: copiesA, count: Shape.count(pair.0)))
            #expect(b.grad?.scalars == [Float](repeating: copiesB, count: Shape.count(pair.1)))
        }
    }

    @Test func reshapingAndTransposingTwiceGiveTheTensorBack() async {
        await propertyCheck(input: Gen.int(in: 1...5).array(of: 2...4), Gen.int(in: 0...3), Gen.int(in: 0...3)) { shape, i, j in
            let t = Self.counting(shape)
            #expect(t.reshaped([Shape.count(shape)]).reshaped(shape).scalars == t.scalars)
            let (x, y) = (i % shape.count, j % shape.count)
            let swapped = t.transposed(x, y)
            var expected = shape
            expected.swapAt(x, y)
            #expect(swapped.shape == expected)
            #expect(swapped.transposed(x, y).scalars == t.scalars)
            #expect(swapped.scalars.sorted() == t.scalars)
        }
    }

    @Test func matrixProductsHaveTheOuterSidesAndAgreeWithTheDefinition() async {
        await propertyCheck(input: Gen.int(in: 1...6), Gen.int(in: 1...6), Gen.int(in: 1...6)) { m, k, n in
            let a = Self.counting([m, k]), b = Self.counting([k, n], from: -5)
            let c = matmul(a, b)
            #expect(c.shape == [m, n])
            for i in 0..<m {
                for j in 0..<n {
                    let expected = (0..<k).reduce(Float(0)) { $0 + a.scalars[i * k + $1] * b.scalars[$1 * n + j] }
                    #expect(abs(c.scalars[i * n + j] - expected) <= 1e-5 * max(1, abs(expected)))
                }
            }
        }
    }
}

import Testing
@testable import SiameseCore

@Suite struct TensorTests {
    @Test func creation() {
        #expect(Tensor.zeros([2, 3]).scalars == [0, 0, 0, 0, 0, 0])
        #expect(Tensor.ones([2]).scalars == [1, 1])
        #expect(Tensor.full([1, 2], value: 7).scalars == [7, 7])
        #expect(Tensor.arange(0, 5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(1, 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        #expect(Tensor.eye(2).scalars == [1, 0, 0, 1])
        #expect(Tensor(scalar: 3).shape == [])
        #expect(Tensor(scalar: 3).item == 3)
        #expect(Tensor([[1, 2], [3, 4]])[1, 0] == 3)
    }

    @Test func badDataThrowsTypedErrors() {
        #expect(throws: TensorError.elementCountMismatch(operation: "Tensor", shape: [2, 2], expected: 4, actual: 3)) {
            try Tensor(validating: [1, 2, 3], shape: [2, 2])
        }
        #expect(throws: TensorError.invalidShape(operation: "Tensor", shape: [-1, 2])) {
            try Tensor(validating: [], shape: [-1, 2])
        }
        #expect(throws: TensorError.nonFinite(operation: "loss", index: 1)) {
            try Tensor([1, .nan, 2]).checkFinite("loss")
        }
        #expect(throws: TensorError.indexOutOfRange(operation: "labels", index: 9, bound: 3)) {
            try IntTensor([0, 9]).validateIndices(below: 3, operation: "labels")
        }
        let message = TensorError.shapeMismatch(operation: "matmul", expected: [2, 3], actual: [4, 5]).description
        #expect(message.contains("matmul") && message.contains("[2, 3]") && message.contains("[4, 5]"))
    }

    @Test func sameSeedGivesBitIdenticalValues() {
        var g1 = SeededGenerator(seed: 42), g2 = SeededGenerator(seed: 42), g3 = SeededGenerator(seed: 43)
        let a = Tensor.normal([1000], generator: &g1), b = Tensor.normal([1000], generator: &g2)
        #expect(a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern))
        #expect(Tensor.normal([1000], generator: &g3).scalars != a.scalars)
        // Pinned against an independent Python implementation of SplitMix64-seeded xoshiro256**.
        var g4 = SeededGenerator(seed: 42)
        #expect([g4.next(), g4.next(), g4.next()] == [1546998764402558742, 6990951692964543102, 12544586762248559009])
    }

    @Test func distributionsHaveTheRightMoments() {
        var g = SeededGenerator(seed: 7)
        let n = Tensor.normal([20000], mean: 2, std: 3, generator: &g)
        #expect(Swift.abs(n.mean().item - 2) < 0.1)
        #expect(Swift.abs(n.variance().item.squareRoot() - 3) < 0.1)
        let u = Tensor.uniform([20000], low: -1, high: 3, generator: &g)
        #expect(u.min().item >= -1 && u.max().item < 3)
        #expect(Swift.abs(u.mean().item - 1) < 0.05)
    }

    @Test func deterministicComputation() {
        func run() -> [UInt32] {
            var g = SeededGenerator(seed: 11)
            let x = Tensor.normal([64, 32], generator: &g).requiringGrad()
            let w = Tensor.normal([32, 16], generator: &g)
            let loss = matmul(x, w).relu().softmax().log().mean()
            loss.backward()
            return (loss.scalars + x.grad!.scalars).map(\.bitPattern)
        }
        #expect(run() == run())
    }

    @Test func bufferPoolReusesFreedBuffers() {
        let before = BufferPool.shared.statistics.hits
        for _ in 0..<5 { _ = Tensor.zeros([4096]) }
        #expect(BufferPool.shared.statistics.hits > before)
    }

    @Test func bufferPoolEvictsTheLeastRecentlyUsedSizeWhenFull() {
        // Room for two 4 KiB buffers (1024 floats); sizes 1024, 1025 and 1026 compete.
        let pool = BufferPool(capacityBytes: 2 * 4104)
        let a = pool.take(1024), b = pool.take(1025)
        pool.give(a, count: 1024)
        pool.give(b, count: 1025)
        _ = pool.take(1024)           // 1024 is now the most recently used size (and out of the pool)
        let c = pool.take(1026)
        pool.give(pool.take(1024), count: 1024)
        pool.give(c, count: 1026)     // no room for three: 1025, used longest ago, is freed
        #expect(pool.statistics.evictions == 1)
        let hitsBefore = pool.statistics.hits
        pool.give(pool.take(1024), count: 1024)
        pool.give(pool.take(1026), count: 1026)
        #expect(pool.statistics.hits == hitsBefore + 2)
        _ = pool.take(1025)
        #expect(pool.statistics.hits == hitsBefore + 2)  // evicted: a miss
        #expect(pool.statistics.pooledBytes <= pool.capacityBytes)
        pool.drain()
    }

    @Test func unsafeBufferPointerReadsRowMajorOrderOfViews() {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(x.withUnsafeBufferPointer { Array($0) } == [1, 2, 3, 4, 5, 6])
        // A transposed view is read in its own row-major order (through a contiguous copy).
        #expect(x.transposed().withUnsafeBufferPointer { Array($0) } == [1, 4, 2, 5, 3, 6])
        #expect(x.narrowed(axis: 0, start: 1, length: 1).withUnsafeBufferPointer { Array($0) } == [4, 5, 6])
    }
}

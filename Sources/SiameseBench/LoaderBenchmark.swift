import Foundation
import SiameseCore
import SiameseData
import SiameseMetricLearning
import SiameseNN
import SiameseOptimizers

/// How much of a tutorial-CNN training step (batch 256 pairs) data loading takes, with and without prefetching.
enum LoaderBenchmark {
    struct PairBatch: Sendable { let x1: Tensor, x2: Tensor, same: Tensor }

    static func run(mnist directory: String, reps: Int) throws {
        let images = try IDXFile(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent("train-images.idx3-ubyte.gz"))
        let labels = try IDXFile(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent("train-labels.idx1-ubyte.gz")).integers
        let inputs = (images.images() - 0.1307) / 0.3081
        let sampler = try BalancedPairSampler(labels: labels)
        let batchSize = 256, steps = 12 * reps
        let make: @Sendable ([Int]) throws -> PairBatch = { indices in
            var g = SeededGenerator(seed: UInt64(indices[0]))
            let pairs = sampler.pairs(batchSize, generator: &g)
            return PairBatch(x1: inputs.indexSelect(axis: 0, pairs.map(\.first)), x2: inputs.indexSelect(axis: 0, pairs.map(\.second)),
                             same: Tensor(pairs.map { $0.same ? 1 : 0 }))
        }
        Threading.threadCount = 2
        GlobalGenerator.seed(0)
        let network = SiameseNetwork(encoder: TutorialCNN())
        let adam = Adam(network.trainableParameters())
        let loss = PairContrastiveLoss()
        func train(_ b: PairBatch) {
            adam.zeroGrad()
            let (e1, e2) = network(b.x1, b.x2)
            loss(e1, e2, same: b.same).backward()
            adam.step()
        }
        let clock = ContinuousClock()
        // 1. Loading alone, and training alone.
        var loadTime = Duration.zero, trainTime = Duration.zero
        for s in 0..<steps {
            var batch: PairBatch?
            loadTime += clock.measure { batch = try? make([s]) }
            trainTime += clock.measure { train(batch!) }
        }
        // 2. With the prefetching loader: time spent waiting for the next batch.
        let loader = BatchLoader(count: steps, batchSize: 1, seed: 1, makeBatch: make)
        var waiting = Duration.zero
        let total: Duration
        let iterator = loader.epoch(0).makeIterator()
        total = clock.measure {
            while true {
                var next: Result<PairBatch, Error>?
                waiting += clock.measure { next = iterator.next() }
                guard let next, let batch = try? next.get() else { break }
                train(batch)
            }
        }
        func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        let load = ms(loadTime) / Double(steps), step = ms(trainTime) / Double(steps)
        emit("\n### Data loading vs. a tutorial-CNN training step (MNIST, batch 256 pairs, 2 threads, \(steps) steps)\n")
        emit(row(["measurement", "ms per step", "share of the step"]))
        emit(row(["---", "---", "---"]))
        emit(row(["make a batch (pair sampling + gather of 512 images)", fmt(load), String(format: "%.1f%%", 100 * load / step)]))
        emit(row(["training step (forward, backward, Adam)", fmt(step), "100%"]))
        emit(row(["waiting for the prefetching loader", fmt(ms(waiting) / Double(steps)),
                  String(format: "%.1f%%", 100 * ms(waiting) / ms(total))]))
    }
}

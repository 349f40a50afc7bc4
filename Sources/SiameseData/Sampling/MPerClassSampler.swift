import SiameseCore

/// Batches of `classesPerBatch` classes × `samplesPerClass` items (P × K), the input that batch-hard and other
/// in-batch miners need.
///
/// **Epoch length**: one epoch visits every class at least once: classes are shuffled and taken
/// `classesPerBatch` at a time, so an epoch has `⌈classes / classesPerBatch⌉` batches (the last batch is
/// filled with classes drawn again). Classes with fewer than `samplesPerClass` items are sampled with
/// replacement; others without. Seeded.
public struct MPerClassSampler: Sendable {
    public let classesPerBatch: Int, samplesPerClass: Int
    let members: [Int: [Int]]
    let classes: [Int]

    public init(labels: [Int], classesPerBatch: Int, samplesPerClass: Int) {
        precondition(classesPerBatch >= 1 && samplesPerClass >= 1, "MPerClassSampler: batch sizes must be positive")
        var members: [Int: [Int]] = [:]
        for (i, l) in labels.enumerated() { members[l, default: []].append(i) }
        precondition(members.count >= classesPerBatch, "MPerClassSampler: \(members.count) classes, fewer than classesPerBatch \(classesPerBatch)")
        self.members = members
        classes = members.keys.sorted()
        self.classesPerBatch = classesPerBatch
        self.samplesPerClass = samplesPerClass
    }

    /// Batches per epoch: `⌈classes / classesPerBatch⌉`.
    public var batchesPerEpoch: Int { (classes.count + classesPerBatch - 1) / classesPerBatch }

    /// One epoch of batches, each `classesPerBatch · samplesPerClass` indices, grouped by class.
    public func epoch(generator: inout SeededGenerator) -> [[Int]] {
        var order = classes
        order.shuffle(using: &generator)
        var spare = classes
        spare.shuffle(using: &generator)
        return (0..<batchesPerEpoch).map { b in
            var chosen = Array(order[(b * classesPerBatch)..<Swift.min(order.count, (b + 1) * classesPerBatch)])
            // Fill the last batch with other classes.
            for c in spare where chosen.count < classesPerBatch && !chosen.contains(c) { chosen.append(c) }
            return chosen.flatMap { c -> [Int] in
                let m = members[c]!
                if m.count >= samplesPerClass {
                    var pool = m
                    pool.shuffle(using: &generator)
                    return Array(pool.prefix(samplesPerClass))
                }
                return (0..<samplesPerClass).map { _ in m[generator.nextInt(below: m.count)] }
            }
        }
    }
}

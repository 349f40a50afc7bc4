import SiameseCore
import SiameseData

/// The samplers a recipe can name (kind "sampler"), as factories that take the labels later.
///
/// | name | batches | parameters (defaults) |
/// |---|---|---|
/// | `m-per-class` | P classes × K items, class by class | `samplesPerClass` (4) and `classesPerBatch` (8) or `batchSize` (a multiple of samplesPerClass) |
/// | `episodic` | one N-way K-shot episode: support (class by class), then queries | `ways` (5), `shots` (1), `queries` (1), `episodes` per epoch (100) |
/// | `fixed-triplets` | `batchSize` triplets as consecutive (anchor, positive, negative) | `count` (1000), `batchSize` (32), `seed` (0): the set is drawn once |
/// | `triplets` | `batchSize` fresh random triplets as consecutive (anchor, positive, negative) | `triplets` per epoch (item count), `batchSize` (32) |
/// | `balanced-pairs` | `batchSize` pairs as consecutive (first, second) | `positiveFraction` (0.5), `allowSelfPairs` (false), `pairs` per epoch (item count), `batchSize` (32) |
public enum Samplers {
    /// Every built-in sampler by name.
    public static let registry: ComponentRegistry<SamplerFactory> = {
        let registry = ComponentRegistry<SamplerFactory>(kind: "sampler")
        registry.register("m-per-class", summary: "P×K batches (MPerClassSampler); samplesPerClass 4, classesPerBatch 8 or batchSize") { r, _ in
            let perClass = try r.int("samplesPerClass", default: 4)
            let classesGiven = try r.optionalInt("classesPerBatch"), batchSize = try r.optionalInt("batchSize")
            try r.check(perClass >= 1, "samplesPerClass", "samplesPerClass is \(perClass); it must be ≥ 1")
            if let batchSize {
                try r.check(batchSize >= perClass && batchSize % perClass == 0, "batchSize",
                            "batchSize \(batchSize) is not a positive multiple of samplesPerClass \(perClass)")
                if let classesGiven {
                    try r.check(classesGiven * perClass == batchSize, "batchSize",
                                "batchSize \(batchSize) differs from classesPerBatch × samplesPerClass = \(classesGiven * perClass)")
                }
            }
            let classes = batchSize.map { $0 / perClass } ?? classesGiven ?? 8
            try r.check(classes >= 1, "classesPerBatch", "classesPerBatch is \(classes); it must be ≥ 1")
            let (kind, name) = (r.kind, r.name)
            return SamplerFactory(layout: "\(classes) classes × \(perClass) items, class by class") { labels throws(RegistryError) in
                let available = Set(labels).count
                guard available >= classes else {
                    throw .invalidValue(kind: kind, name: name, parameter: "classesPerBatch",
                                        reason: "the labels have \(available) classes, fewer than classesPerBatch \(classes)")
                }
                return MPerClassSampler(labels: labels, classesPerBatch: classes, samplesPerClass: perClass)
            }
        }
        registry.register("episodic", summary: "N-way K-shot episodes (EpisodicSampler); ways 5, shots 1, queries 1, episodes 100") { r, _ in
            let ways = try r.int("ways", default: 5), shots = try r.int("shots", default: 1)
            let queries = try r.int("queries", default: 1), episodes = try r.int("episodes", default: 100)
            try r.check(ways >= 2, "ways", "ways is \(ways); it must be ≥ 2")
            try r.check(shots >= 1, "shots", "shots is \(shots); it must be ≥ 1")
            try r.check(queries >= 1, "queries", "queries is \(queries); it must be ≥ 1")
            try r.check(episodes >= 1, "episodes", "episodes is \(episodes); it must be ≥ 1")
            let (kind, name) = (r.kind, r.name)
            return SamplerFactory(layout: "support (\(ways) classes × \(shots)), then queries (\(ways) × \(queries)), class by class") { labels throws(RegistryError) in
                let eligible = classSizes(labels).values.filter { $0 >= shots + queries }.count
                guard eligible >= ways else {
                    throw .invalidValue(kind: kind, name: name, parameter: "ways",
                                        reason: "only \(eligible) classes have \(shots + queries) items; \(ways) needed")
                }
                return EpisodeBatches(sampler: EpisodicSampler(labels: labels, ways: ways, shots: shots, queries: queries), episodes: episodes)
            }
        }
        registry.register("fixed-triplets", summary: "a fixed set of triplets drawn once (FixedSetOfTriplets); count 1000, batchSize 32, seed 0") { r, _ in
            let count = try r.int("count", default: 1000), batchSize = try r.int("batchSize", default: 32)
            let seed = try r.int("seed", default: 0)
            try r.check(count >= 1, "count", "count is \(count); it must be ≥ 1")
            try r.check(batchSize >= 1, "batchSize", "batchSize is \(batchSize); it must be ≥ 1")
            try r.check(seed >= 0, "seed", "seed is \(seed); it must be ≥ 0")
            let (kind, name) = (r.kind, r.name)
            return SamplerFactory(layout: "\(batchSize) triplets as consecutive (anchor, positive, negative)") { labels throws(RegistryError) in
                let sizes = classSizes(labels)
                guard sizes.count >= 2, sizes.values.contains(where: { $0 >= 2 }) else {
                    throw .invalidValue(kind: kind, name: name, parameter: "labels",
                                        reason: "triplets need a class with two items and a second class")
                }
                var generator = SeededGenerator(seed: UInt64(seed))
                let set = FixedSetOfTriplets(labels: labels, count: count, generator: &generator)
                return ChunkedTuples(flat: set.triplets.flatMap { [$0.anchor, $0.positive, $0.negative] }, width: 3, batchSize: batchSize)
            }
        }
        registry.register("balanced-pairs", summary: "random same/different pairs (BalancedPairSampler); positiveFraction 0.5, allowSelfPairs false, pairs (item count), batchSize 32") { r, _ in
            let fraction = try r.double("positiveFraction", default: 0.5)
            let allowSelf = try r.bool("allowSelfPairs", default: false)
            let pairs = try r.optionalInt("pairs"), batchSize = try r.int("batchSize", default: 32)
            try r.check((0...1).contains(fraction), "positiveFraction", "positiveFraction is \(fraction); it must be in [0, 1]")
            try r.check(pairs.map { $0 >= 1 } ?? true, "pairs", "pairs is \(pairs ?? 0); it must be ≥ 1")
            try r.check(batchSize >= 1, "batchSize", "batchSize is \(batchSize); it must be ≥ 1")
            let (kind, name) = (r.kind, r.name)
            return SamplerFactory(layout: "\(batchSize) pairs as consecutive (first, second)") { labels throws(RegistryError) in
                do {
                    let sampler = try BalancedPairSampler(labels: labels, positiveFraction: fraction, allowSelfPairs: allowSelf)
                    return PairBatches(sampler: sampler, pairs: pairs ?? labels.count, batchSize: batchSize)
                } catch {
                    throw .invalidValue(kind: kind, name: name, parameter: "labels", reason: String(describing: error))
                }
            }
        }
        registry.register("triplets", summary: "fresh random triplets each epoch (TripletSampler); triplets (item count), batchSize 32") { r, _ in
            let triplets = try r.optionalInt("triplets"), batchSize = try r.int("batchSize", default: 32)
            try r.check(triplets.map { $0 >= 1 } ?? true, "triplets", "triplets is \(triplets ?? 0); it must be ≥ 1")
            try r.check(batchSize >= 1, "batchSize", "batchSize is \(batchSize); it must be ≥ 1")
            let (kind, name) = (r.kind, r.name)
            return SamplerFactory(layout: "\(batchSize) triplets as consecutive (anchor, positive, negative)") { labels throws(RegistryError) in
                guard classSizes(labels).count >= 2 else {
                    throw .invalidValue(kind: kind, name: name, parameter: "labels", reason: "triplets need at least two classes")
                }
                do {
                    return TripletBatches(sampler: try TripletSampler(labels: labels), triplets: triplets ?? labels.count, batchSize: batchSize)
                } catch {
                    throw .invalidValue(kind: kind, name: name, parameter: "labels", reason: String(describing: error))
                }
            }
        }
        return registry
    }()

    /// Items per class.
    static func classSizes(_ labels: [Int]) -> [Int: Int] {
        labels.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}

/// `episodes` episodes per epoch, each one batch: support items, then query items.
struct EpisodeBatches: BatchSampler {
    let sampler: EpisodicSampler
    let episodes: Int

    func epoch(generator: inout SeededGenerator) -> [[Int]] {
        (0..<episodes).map { _ in
            let episode = sampler.episode(generator: &generator)
            return episode.support + episode.query
        }
    }
}

/// A fixed list of tuples (`width` indices each), cut into batches of `batchSize` tuples; the same every epoch.
struct ChunkedTuples: BatchSampler {
    let flat: [Int]
    let width: Int, batchSize: Int

    func epoch(generator: inout SeededGenerator) -> [[Int]] {
        let step = width * batchSize
        return stride(from: 0, to: flat.count, by: step).map { Array(flat[$0..<Swift.min($0 + step, flat.count)]) }
    }
}

/// `pairs` fresh pairs per epoch, in batches of `batchSize` pairs.
struct PairBatches: BatchSampler {
    let sampler: BalancedPairSampler
    let pairs: Int, batchSize: Int

    func epoch(generator: inout SeededGenerator) -> [[Int]] {
        let flat = sampler.pairs(pairs, generator: &generator).flatMap { [$0.first, $0.second] }
        return ChunkedTuples(flat: flat, width: 2, batchSize: batchSize).epoch(generator: &generator)
    }
}

/// `triplets` fresh random triplets per epoch, in batches of `batchSize` triplets.
struct TripletBatches: BatchSampler {
    let sampler: TripletSampler
    let triplets: Int, batchSize: Int

    func epoch(generator: inout SeededGenerator) -> [[Int]] {
        let flat = sampler.triplets(triplets, generator: &generator).flatMap { [$0.anchor, $0.positive, $0.negative] }
        return ChunkedTuples(flat: flat, width: 3, batchSize: batchSize).epoch(generator: &generator)
    }
}

import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
import SiameseNN
import SiameseTestSupport

/// pml_conformance_all.json, made by scripts/reference/pml_conformance_all.py with PyTorch Metric Learning 2.9 in
/// float64: every loss, miner, reducer, distance and regulariser SiameseKit names after a PML class, built here
/// through the registries from the spec stored beside the PML constructor.
struct PMLAllFixture: Decodable, Sendable {
    struct Batch: Decodable, Sendable { let embeddings: [[Double]]; let labels: [Int] }
    struct Stream: Decodable, Sendable { let batches: [[[Double]]]; let labels: [[Int]] }
    struct Inputs: Decodable, Sendable { let A: Batch; let B: Batch; let C: Stream }
    struct Case: Decodable, Sendable {
        let name: String
        let kind: String
        let batch: String?
        let pml: String?
        let pml_miner: String?
        let loss: ComponentSpec?
        let miner: ComponentSpec?
        let distance: ComponentSpec?
        let regularizer: ComponentSpec?
        let loss_tolerance: Double?
        let value: Double?
        let grad: [[Double]]?
        let parameters: [String: [[Double]]]?
        let parameter_grads: [String: [[Double]]]?
        let mined: [[Int]]?
        let matrix: [[Double]]?
        let weights: [[Double]]?
        let reference: [[Double]]?
        let reference_grad: [[Double]]?
        let input: [[Double]]?
        /// DistanceWeightedMiner against a reference: the batch and reference labels (rows in `input`, `reference`).
        let input_labels: [Int]?
        let reference_labels: [Int]?
        /// CrossBatchMemory: per step, the loss value and the gradient of the batch.
        let memory_size: Int?
        let steps: [Step]?
        /// UniformHistogramMiner: per mined set ("pos", "neg"), the bin edges and how many tuples each bin gets.
        let bins: [String: Histogram]?
        /// Random miners / triplets_per_anchor: how many tuples each anchor gets.
        let anchor_counts: [String: Int]?
    }
    struct Step: Decodable, Sendable {
        let value: Double
        let grad: [[Double]]
        let enqueue_mask: [Bool]?
    }
    struct Histogram: Decodable, Sendable { let edges: [Double]; let per_bin: Int; let nonempty: [Int] }

    let inputs: Inputs
    let cases: [Case]

    static let shared: PMLAllFixture = {
        do { return try Fixtures.decode(PMLAllFixture.self, from: "pml_conformance_all.json") } catch {
            fatalError("pml_conformance_all.json: \(error)")
        }
    }()

    static func names(_ kind: String) -> [String] { shared.cases.filter { $0.kind == kind }.map(\.name) }
    static func named(_ name: String) -> Case { shared.cases.first { $0.name == name }! }

    func batch(_ name: String?) -> (Tensor, [Int]) {
        let b = name == "B" ? inputs.B : inputs.A
        return (Tensor.fromRows(b.embeddings), b.labels)
    }
}

extension Tensor {
    static func fromRows(_ rows: [[Double]]) -> Tensor { Tensor(rows.map { $0.map(Float.init) }) }
}

extension MinedTuples {
    /// PML's index tuple: 3 lists for triplets, 4 for pairs.
    init(pml lists: [[Int]]) {
        self = lists.count == 3 ? .triplets(a: lists[0], p: lists[1], n: lists[2])
                                : .pairs(a1: lists[0], p: lists[1], a2: lists[2], n: lists[3])
    }

    /// The tuples as sets (positive pairs and negative pairs apart, or triplets).
    var tupleSets: [Set<[Int]>] {
        switch self {
        case let .triplets(a, p, n): return [Set(a.indices.map { [a[$0], p[$0], n[$0]] })]
        case let .pairs(a1, p, a2, n): return [Set(a1.indices.map { [a1[$0], p[$0]] }), Set(a2.indices.map { [a2[$0], n[$0]] })]
        }
    }
}

/// Loss value (relative `tolerance`, absolute 1e-6 near 0) and gradient (1e-4 absolute or relative to the largest element).
func expectClose(value: Double, _ expected: Double, tolerance: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let ok = Swift.abs(value - expected) <= Swift.max(tolerance * Swift.abs(expected), 1e-6)
    #expect(ok, "\(what): \(value) vs PML \(expected)", sourceLocation: sourceLocation)
}

func expectClose(gradient actual: [Float]?, _ expected: [[Double]], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let e = expected.flatMap { $0 }
    let a = actual ?? [Float](repeating: 0, count: e.count)
    let scale = e.map(Swift.abs).max() ?? 0
    let errors = zip(a, e).map { Swift.abs(Double($0) - $1) }
    let worst = errors.max() ?? 0
    let at = errors.firstIndex(of: worst) ?? 0
    #expect(a.count == e.count && worst <= Swift.max(1e-4, 1e-4 * scale),
            "\(what): differs by \(worst) at flat index \(at) (largest element \(scale), \(a.count) vs \(e.count) entries)",
            sourceLocation: sourceLocation)
}

@Suite struct PMLConformanceAllTests {
    let fixture = PMLAllFixture.shared

    @Test func fixtureHasTheCasesTheIssueAsksFor() {
        #expect(fixture.cases.count >= 60)
        #expect(Set(fixture.cases.map(\.name)).count == fixture.cases.count)
    }

    @Test(arguments: PMLAllFixture.names("loss"))
    func lossCase(_ name: String) throws {
        let c = PMLAllFixture.named(name)
        let (embeddings, labels) = fixture.batch(c.batch)
        let context = RegistryContext(numClasses: 8, embeddingSize: embeddings.shape[1])
        let lossFunction: any MetricLoss = try Losses.registry.make(c.loss!, context: context)
        if let module = lossFunction as? Module, let parameters = c.parameters {
            let named = Dictionary(uniqueKeysWithValues: module.namedParameters().map { ($0.name, $0.parameter) })
            for (key, value) in parameters {
                guard let parameter = named[key] else {
                    Issue.record("\(name): no parameter \(key) among \(named.keys.sorted())")
                    return
                }
                parameter.update(Tensor.fromRows(value))
            }
        }
        var tuples: MinedTuples?
        if let minerSpec = c.miner, let mined = c.mined {
            let miner: any Miner = try Miners.registry.make(minerSpec)
            let ours = miner(embeddings, labels: labels)
            let expected = MinedTuples(pml: mined)
            #expect(ours.tupleSets == expected.tupleSets, "\(name): mined tuples differ from \(c.pml_miner ?? "")")
            tuples = expected   // the loss is checked on PML's tuples, in PML's order
        } else if let mined = c.mined {
            tuples = MinedTuples(pml: mined)   // PML's random draw (triplets_per_anchor)
        }
        if let counts = c.anchor_counts, let k = counts.values.first {
            // Our own draw gives every anchor as many triplets as PML's did.
            let (a, _, _) = MinedTuples.triplets(labels, perAnchor: k).asTriplets
            var ours: [String: Int] = [:]
            for anchor in a { ours[String(anchor), default: 0] += 1 }
            #expect(ours == counts, "\(name): triplets per anchor")
        }
        let x = embeddings.requiringGrad()
        let value: Tensor = lossFunction(x, labels: labels, tuples: tuples)
        value.backward()
        let tolerance = c.loss_tolerance ?? 1e-5
        let what = "\(name) (\(c.pml ?? "")) loss"
        expectClose(value: Double(value.item), c.value!, tolerance: tolerance, what)
        expectClose(gradient: x.grad?.scalars, c.grad!, "\(name) d loss / d embeddings")
        if let grads = c.parameter_grads, let module = lossFunction as? Module {
            let named = Dictionary(uniqueKeysWithValues: module.namedParameters().map { ($0.name, $0.parameter) })
            for (key, expected) in grads {
                expectClose(gradient: named[key]?.grad?.scalars, expected, "\(name) d loss / d \(key)")
            }
        }
    }

    @Test(arguments: PMLAllFixture.names("miner"))
    func minerCase(_ name: String) throws {
        let c = PMLAllFixture.named(name)
        let (embeddings, labels) = fixture.batch(c.batch)
        let miner: any Miner = try Miners.registry.make(c.miner!)
        let ours = miner(embeddings, labels: labels)
        #expect(ours.tupleSets == MinedTuples(pml: c.mined!).tupleSets, "\(name): mined tuples differ from \(c.pml_miner ?? "")")
    }

    @Test(arguments: PMLAllFixture.names("histogram"))
    func histogramCase(_ name: String) throws {
        let c = PMLAllFixture.named(name)
        let (embeddings, labels) = fixture.batch(c.batch)
        let miner = try #require(try Miners.registry.make(c.miner!) as? UniformHistogramMiner)
        let mat = miner.distance.matrix(embeddings).scalars
        let n = labels.count
        let (a1, p, a2, neg) = GlobalGenerator.withSeed(3) { miner(embeddings, labels: labels) }.asPairs
        for (key, rows, others) in [("pos", a1, p), ("neg", a2, neg)] {
            let histogram = try #require(c.bins?[key])
            let edges = histogram.edges, bins = edges.count - 1
            var counts = [Int](repeating: 0, count: bins)
            for (i, j) in zip(rows, others) {
                // Edges are PML's (float64); the extremes may round to just outside them in float32.
                let v = Swift.min(Swift.max(Double(mat[i * n + j]), edges[0]), edges[bins])
                if let b = (0..<bins).first(where: { v >= edges[$0] && (v < edges[$0 + 1] || ($0 == bins - 1 && v <= edges[$0 + 1])) }) {
                    counts[b] += 1
                } else {
                    Issue.record("\(name) \(key): pair (\(i), \(j)) at \(v) lies outside the bins")
                }
            }
            let expected = (0..<bins).map { histogram.nonempty.contains($0) ? histogram.per_bin : 0 }
            #expect(counts == expected, "\(name) \(key): pairs per bin")
        }
    }

    @Test(arguments: PMLAllFixture.names("regularizer"))
    func regularizerCase(_ name: String) throws {
        let c = PMLAllFixture.named(name)
        let (embeddings, _) = fixture.batch(c.batch)
        let regularizer: any Regularizer = try Regularizers.registry.make(c.regularizer!)
        let x = embeddings.requiringGrad()
        let value = regularizer(x)
        value.backward()
        expectClose(value: Double(value.item), c.value!, tolerance: c.loss_tolerance ?? 1e-5, "\(name) value")
        expectClose(gradient: x.grad?.scalars, c.grad!, "\(name) gradient")
    }

    @Test(arguments: PMLAllFixture.names("memory"))
    func crossBatchMemoryCase(_ name: String) throws {
        let c = PMLAllFixture.named(name)
        let made = try Losses.registry.make(c.loss!, context: RegistryContext(embeddingSize: 8))
        let memory = try #require(made as? CrossBatchMemory)
        let stream = fixture.inputs.C
        for (step, expected) in try #require(c.steps).enumerated() {
            let x = Tensor.fromRows(stream.batches[step]).requiringGrad()
            let labels = stream.labels[step]
            let value = expected.enqueue_mask.map { memory(x, labels: labels, enqueueMask: $0) } ?? memory(x, labels: labels)
            value.backward()
            expectClose(value: Double(value.item), expected.value, tolerance: c.loss_tolerance ?? 1e-5, "\(name) step \(step) loss")
            expectClose(gradient: x.grad?.scalars, expected.grad, "\(name) step \(step) gradient")
        }
    }

    @Test(arguments: PMLAllFixture.names("weighted"))
    func distanceWeightedCase(_ name: String) throws {
        let c = PMLAllFixture.named(name)
        var (embeddings, labels) = fixture.batch(c.batch)
        var reference: ReferenceSet?
        if let input = c.input, let inputLabels = c.input_labels, let rows = c.reference, let referenceLabels = c.reference_labels {
            (embeddings, labels) = (Tensor.fromRows(input), inputLabels)
            reference = ReferenceSet(embeddings: Tensor.fromRows(rows), labels: referenceLabels)
        }
        let miner = try #require(try Miners.registry.make(c.miner!) as? DistanceWeightedMiner)
        expectClose(gradient: miner.weights(embeddings, labels: labels, reference: reference).flatMap { $0 }, c.weights!, "\(name) sampling weights")
        let tuples = GlobalGenerator.withSeed(4) { reference.map { miner(embeddings, labels: labels, reference: $0) } ?? miner(embeddings, labels: labels) }
        let (a, p, n) = tuples.asTriplets
        var counts: [String: Int] = [:]
        for anchor in a { counts[String(anchor), default: 0] += 1 }
        #expect(counts == c.anchor_counts, "\(name): triplets per anchor")
        let others = reference?.labels ?? labels
        #expect(zip(a, n).allSatisfy { labels[$0] != others[$1] } && zip(a, p).allSatisfy { labels[$0] == others[$1] })
    }

    @Test(arguments: PMLAllFixture.names("distance"))
    func distanceCase(_ name: String) throws {
        let c = PMLAllFixture.named(name)
        let (embeddings, _) = fixture.batch(c.batch)
        let distance = try Distances.registry.make(c.distance!)
        let x = embeddings.requiringGrad()
        let y = c.reference.map { Tensor.fromRows($0).requiringGrad() }
        let matrix = distance.matrix(x, y)
        var values = matrix.scalars
        if y == nil, !distance.isInverted {
            // A point's distance to itself comes out of ‖a‖² + ‖b‖² − 2a·b as √(rounding) ≈ 5e-4 in float32, not 0;
            // no loss uses the diagonal. Bound it, then compare the rest.
            let n = x.shape[0]
            for i in 0..<n {
                #expect(Swift.abs(values[i * n + i]) < 1e-3, "\(name): diagonal \(values[i * n + i])")
                values[i * n + i] = Float(c.matrix![i][i])
            }
        }
        expectClose(gradient: values, c.matrix!, "\(name) matrix")
        (matrix * Tensor.fromRows(c.weights!)).sum().backward()
        expectClose(gradient: x.grad?.scalars, c.grad!, "\(name) d <matrix, R> / d query")
        if let expected = c.reference_grad { expectClose(gradient: y?.grad?.scalars, expected, "\(name) d <matrix, R> / d reference") }
    }
}

import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
import SiameseTestSupport

/// pml173_conformance.json, made by scripts/reference/pml173_conformance.py with PyTorch Metric Learning 1.7.3 (the
/// last release with CentroidTripletLoss and MaximumLossMiner) in float64; components built through the registries.
struct PML173Fixture: Decodable, Sendable {
    struct Batch: Decodable, Sendable { let embeddings: [[Double]]; let labels: [Int] }
    struct Case: Decodable, Sendable {
        let name: String
        let kind: String
        let batch: String
        let pml: String?
        let pml_miner: String?
        /// "formula": the paper's loss over every class through PML 1.7.3's distance and reducer (PML keeps three).
        let reference: String?
        let loss: ComponentSpec?
        let miner: ComponentSpec?
        let loss_tolerance: Double
        let value: Double?
        let grad: [[Double]]?
        /// maximum-loss: PML's candidate subsets, the loss of each, and the index of the one it chose.
        let candidates: [[Int]]?
        let losses: [Double]?
        let chosen: Int?
    }

    let version: String
    let inputs: [String: Batch]
    let cases: [Case]

    static let shared: PML173Fixture = {
        do { return try Fixtures.decode(PML173Fixture.self, from: "pml173_conformance.json") } catch {
            fatalError("pml173_conformance.json: \(error)")
        }
    }()

    static func names(_ kind: String) -> [String] { shared.cases.filter { $0.kind == kind }.map(\.name) }
    static func named(_ name: String) -> Case { shared.cases.first { $0.name == name }! }

    func batch(_ name: String) -> (Tensor, [Int]) {
        let b = inputs[name]!
        return (Tensor.fromRows(b.embeddings), b.labels)
    }
}

@Suite struct PML173ConformanceTests {
    let fixture = PML173Fixture.shared

    @Test func fixtureComesFromPML173() {
        #expect(fixture.version == "1.7.3")
        #expect(PML173Fixture.names("loss").count >= 5 && PML173Fixture.names("maximum-loss").count >= 3)
        // Most centroid-triplet references are PML's own values; only the every-class form beyond four classes is not.
        #expect(fixture.cases.filter { $0.reference == "formula" }.count < fixture.cases.filter { $0.kind == "loss" }.count / 2)
    }

    @Test(arguments: PML173Fixture.names("loss"))
    func centroidTripletCase(_ name: String) throws {
        let c = PML173Fixture.named(name)
        let (embeddings, labels) = fixture.batch(c.batch)
        let loss = try Losses.registry.make(c.loss!)
        #expect(loss is CentroidTripletLoss)
        let x = embeddings.requiringGrad()
        let value = loss(x, labels: labels)
        value.backward()
        expectClose(value: Double(value.item), c.value!, tolerance: c.loss_tolerance, "\(name) (\(c.reference ?? c.pml ?? "")) loss")
        expectClose(gradient: x.grad?.scalars, c.grad!, "\(name) d loss / d embeddings")
    }

    @Test(arguments: PML173Fixture.names("maximum-loss"))
    func maximumLossCase(_ name: String) throws {
        let c = PML173Fixture.named(name)
        let (embeddings, labels) = fixture.batch(c.batch)
        let miner = try #require(try Miners.registry.make(c.miner!) as? MaximumLossMiner)
        let candidates = try #require(c.candidates), expected = try #require(c.losses), chosen = try #require(c.chosen)
        // Each of PML's subsets scores the same, and the same one wins.
        let (subset, values) = miner.choose(among: candidates, embeddings, labels: labels)
        for (k, (ours, theirs)) in zip(values, expected).enumerated() {
            expectClose(value: Double(ours), theirs, tolerance: c.loss_tolerance, "\(name) loss of subset \(k)")
        }
        #expect(subset == candidates[chosen], "\(name): chose another subset than \(c.pml_miner ?? "")")
        // As a tuple miner, the loss over the chosen subset's tuples in batch rows is the winning subset's loss.
        let tuples = miner.tuples(of: subset, embeddings, labels: labels)
        #expect(tuples.asPairs.a1.allSatisfy(subset.contains) && tuples.asPairs.a2.allSatisfy(subset.contains))
        if miner.loss is TripletMarginLoss || miner.loss is ContrastiveLoss {
            let value = miner.loss(embeddings, labels: labels, tuples: tuples)
            expectClose(value: Double(value.item), expected[chosen], tolerance: c.loss_tolerance, "\(name) loss over the mined tuples")
        }
        // Its own draws: numTrials subsets of outputBatchSize distinct rows.
        var generator = SeededGenerator(seed: 7)
        let drawn = miner.candidates(count: labels.count, generator: &generator)
        #expect(drawn.count == miner.numTrials)
        #expect(drawn.allSatisfy { $0.count == miner.outputBatchSize && Set($0).count == $0.count && $0.allSatisfy(labels.indices.contains) })
    }

    @Test func maximumLossMinerOnASmallBatchUsesTheWholeBatch() {
        let miner = MaximumLossMiner(loss: ContrastiveLoss(), outputBatchSize: 50, numTrials: 2)
        var generator = SeededGenerator(seed: 1)
        let drawn = miner.candidates(count: 6, generator: &generator)
        #expect(drawn.map { Set($0) } == [Set(0..<6), Set(0..<6)])
    }
}

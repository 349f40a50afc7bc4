import Foundation
import SiameseCore
import SiameseNN
import SiameseTestSupport
import Testing

/// `fewshot_reference.json` (written by `scripts/reference/fewshot_reference.py` with PyTorch): one episode and, per
/// method, its weights, loss and class scores.
struct FewShotReference: Decodable {
    struct Weight: Decodable {
        let shape: [Int]
        let values: [Float]
    }

    struct Case: Decodable {
        let loss: Double
        let scores: [[Double]]
        let scale: Float?
        let steps: Int?
        let size: Int?
        let channels: Int?
        let side: Int?
        let hidden: Int?
        let weights: [String: Weight]?
        /// Relation: the loss's gradients with respect to the embeddings and each weight (by name, flattened).
        let supportGrad: [[Double]]?
        let queryGrad: [[Double]]?
        let weightGrads: [String: [Double]]?
    }

    let support: [[Float]], supportClasses: [Int]
    let query: [[Float]], queryClasses: [Int]
    let prototypical: Case, matching: Case, matchingScaled: Case, matchingFullContext: Case, relation: Case, koch: Case

    static func load() throws -> FewShotReference {
        try Fixtures.decode(FewShotReference.self, from: "fewshot_reference.json")
    }

    var supportTensor: Tensor { Tensor(support.flatMap { $0 }, shape: [support.count, support[0].count]) }
    var queryTensor: Tensor { Tensor(query.flatMap { $0 }, shape: [query.count, query[0].count]) }

    /// Copies the reference weights into `module`'s parameters of the same names; every parameter must be covered.
    static func load(_ weights: [String: Weight], into module: Module) {
        let parameters = module.namedParameters()
        #expect(Set(parameters.map(\.name)) == Set(weights.keys), "parameter names differ from the reference's")
        for (name, p) in parameters {
            guard let w = weights[name] else { continue }
            #expect(w.shape == p.value.shape, "\(name): shape \(p.value.shape) vs reference \(w.shape)")
            guard w.values.count == p.value.count else { continue }
            p.withMutableValues { for i in 0..<w.values.count { $0[i] = w.values[i] } }
        }
    }

    /// Worst |ours − reference| over a score matrix, relative to 1 + |reference|.
    static func worst(_ ours: Tensor, _ reference: [[Double]]) -> Double {
        let flat = reference.flatMap { $0 }
        #expect(ours.count == flat.count)
        return zip(ours.scalars, flat).map { abs(Double($0) - $1) / (1 + abs($1)) }.max() ?? .infinity
    }
}

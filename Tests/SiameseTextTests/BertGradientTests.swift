import Foundation
import SiameseCore
import SiameseMetricLearning
import SiameseNN
import SiameseTestSupport
import SiameseText
import Testing

/// `minilm_gradient_reference.json` (made by `scripts/reference/bert_gradient_reference.py` with
/// sentence-transformers 6.2 and PyTorch): one CoSENT step of all-MiniLM-L6-v2 in evaluation mode on four pairs.
struct MiniLMGradientReference: Decodable {
    struct Gradient: Decodable {
        let norm: Double
        let indices: [Int]
        let values: [Double]
    }
    let first: [String]
    let second: [String]
    let scores: [Double]
    let loss_value: Double
    let gradients: [String: Gradient]
}

@Suite struct BertGradientTests {
    /// A tiny random BERT (every parameter, padding included) against central differences.
    @Test func differentiablePathMatchesFiniteDifferences() throws {
        let config = BertConfiguration(vocabularySize: 10, hiddenSize: 4, layerCount: 2, headCount: 2,
                                       intermediateSize: 8, maxPositions: 6, layerNormEpsilon: 1e-12)
        let bert = BertModel(config)
        // Small weights keep the float32 finite differences accurate (N(0, 1) embeddings saturate the softmax).
        var g = SeededGenerator(seed: 7)
        for (_, p) in bert.namedParameters() {
            p.withMutableValues { w in for i in 0..<w.count { w[i] = w[i] * 0.5 + 0.1 * (g.nextUniform() - 0.5) } }
        }
        bert.eval()
        let ids = IntTensor([2, 5, 7, 3, 0, 2, 9, 4, 6, 3], shape: [2, 5])
        let mask = [1, 1, 1, 1, 0, 1, 1, 1, 1, 1]
        let worst = GradientCheck.worstError([], parameters: bert.parameters(), epsilon: 3e-3, atol: 3e-3, rtol: 3e-2) { _ in
            bert(ids, mask: mask)
        }
        #expect(worst <= 1, "worst mismatch \(worst)")
    }

    /// One CoSENT step on all-MiniLM-L6-v2 gives PyTorch's loss and, per parameter, PyTorch's gradient (norm within
    /// 1 %, sampled elements within 1e-6 + 2 % of the largest sampled one).
    @Test(.needsMiniLM) func cosentStepMatchesPyTorch() throws {
        let reference = try Fixtures.decode(MiniLMGradientReference.self, from: "minilm_gradient_reference.json")
        let model = try SentenceTransformer(folder: MiniLMFolder.url)
        model.bert.eval()
        for p in model.bert.parameters() { p.zeroGrad() }
        let n = reference.first.count
        let both = try model.embedDifferentiable(reference.first + reference.second)
        let loss = CoSENTLoss()(both.narrowed(axis: 0, start: 0, length: n), both.narrowed(axis: 0, start: n, length: n),
                                targets: Tensor(reference.scores.map { Float($0 / 5) }))
        #expect(abs(Double(loss.item) - reference.loss_value) <= 1e-4, "loss \(loss.item) vs \(reference.loss_value)")
        loss.backward()
        let named = Dictionary(uniqueKeysWithValues: model.bert.namedParameters().map { ($0.name, $0.parameter) })
        #expect(Set(named.keys).isSuperset(of: reference.gradients.keys), "missing: \(Set(reference.gradients.keys).subtracting(named.keys))")
        var checked = 0
        for (name, expected) in reference.gradients.sorted(by: { $0.key < $1.key }) {
            guard let p = named[name] else { continue }
            let grad = p.grad?.scalars ?? [Float](repeating: 0, count: p.value.count)
            let norm = grad.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - expected.norm) <= 0.01 * expected.norm + 1e-6, "\(name): norm \(norm) vs \(expected.norm)")
            let scale = expected.values.map(abs).max() ?? 0
            for (i, v) in zip(expected.indices, expected.values) {
                #expect(abs(Double(grad[i]) - v) <= 1e-6 + 0.02 * scale,
                        "\(name)[\(i)]: \(grad[i]) vs \(v)")
            }
            checked += 1
        }
        #expect(checked == reference.gradients.count)
    }
}

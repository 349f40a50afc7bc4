import Foundation
import SiameseCore
import SiameseIndex
import SiameseModels

/// How a gallery turns its model's distance (`similarity.json`) into index searches, so that every score it reports
/// is the model's own score (the one its thresholds were calibrated on).
///
/// | distance | index metric | score from the index value `v` |
/// |---|---|---|
/// | `lp-distance` with p = 2 (`euclidean`, `squared-euclidean`) | ``IndexMetric/l2`` (on normalised vectors when the distance normalises) | `v^(power/2)` |
/// | `cosine-similarity` | ``IndexMetric/cosine`` | `v` |
/// | `dot-product-similarity` | ``IndexMetric/cosine`` when it normalises, else ``IndexMetric/innerProduct`` | `v` |
/// | anything else (`manhattan`, p ≠ 2) | none: a brute-force `Distance.matrix` | the distance |
struct GalleryScoring: Sendable {
    let distance: any Distance
    let greaterIsCloser: Bool
    /// The index metric, or `nil` for the brute-force path.
    let metric: IndexMetric?
    /// Whether vectors are L2-normalised before going into an ``IndexMetric/l2`` index.
    let normalizeForL2: Bool
    /// The Lp distance's power (the score is `‖a − b‖₂^power`).
    let power: Float

    init(_ similarity: SimilarityConfiguration) throws {
        distance = try similarity.makeDistance()
        greaterIsCloser = similarity.greaterIsCloser
        switch distance {
        case let lp as LpDistance where lp.p == 2:
            metric = .l2; normalizeForL2 = lp.normalizeEmbeddings; power = lp.power
        case is CosineSimilarity:
            metric = .cosine; normalizeForL2 = false; power = 1
        case let dot as DotProductSimilarity:
            metric = dot.normalizeEmbeddings ? .cosine : .innerProduct; normalizeForL2 = false; power = 1
        default:
            metric = nil; normalizeForL2 = false; power = 1
        }
    }

    /// The vector as stored in the index.
    func indexed(_ vector: [Float]) -> [Float] {
        guard normalizeForL2 else { return vector }
        let norm = Float(vector.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    /// The model's score from an index value (a squared distance for ``IndexMetric/l2``).
    func score(fromIndex value: Float) -> Double {
        guard metric == .l2 else { return Double(value) }
        let squared = Swift.max(Double(value), 0)
        return power == 2 ? squared : pow(squared, Double(power) / 2)
    }

    /// The model's scores of `query` against each of `references`, computed by the distance itself.
    func exactScores(_ query: [Float], _ references: [[Float]]) -> [Double] {
        guard !references.isEmpty else { return [] }
        return distance.matrix(Tensor([query]), Tensor(references)).scalars.map(Double.init)
    }

    /// Whether score `a` is closer than `b`.
    func isCloser(_ a: Double, than b: Double) -> Bool { greaterIsCloser ? a > b : a < b }
}

import Foundation
import SiameseTestSupport

/// `tsne_reference.json`: 1,000 MNIST test digits in 50 dimensions with scikit-learn's PCA, t-SNE and
/// trustworthiness on them (made by `scripts/reference/tsne_reference.py`).
struct ProjectionReference: Decodable {
    struct Run: Decodable {
        let embedding: [[Double]]
        let trustworthiness: Double
        let kl_divergence: Double
        let iterations: Int
    }
    let points_milli: [[Int]]
    let labels: [Int]
    let pca: [[Double]]
    let pca_trustworthiness: Double
    let barnes_hut: Run
    let exact: Run

    /// The points exactly as the reference saw them: float32(value / 1000).
    var points: [[Float]] { points_milli.map { $0.map { Float(Double($0) / 1000) } } }

    static let shared: ProjectionReference = {
        do { return try Fixtures.decode(ProjectionReference.self, from: "tsne_reference.json") } catch {
            fatalError("tsne_reference.json: \(error)")
        }
    }()
}

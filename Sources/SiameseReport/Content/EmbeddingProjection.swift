import SiameseCore
import SiameseEvaluation

/// The 2-D maps of a report: a class-stratified sample of the embeddings projected by PCA and t-SNE
/// (SiameseEvaluation's `PCA` and `TSNE`).
enum EmbeddingProjection {
    /// Items of the first `options.mapClasses` classes (in label order), at most `options.mapPoints` of them, spread
    /// evenly over those classes.
    static func sample(labels: [Int], options: RunReport.Options) -> [Int] {
        let classes = Set(labels).sorted().prefix(options.mapClasses)
        let chosen = Set(classes)
        let candidates = labels.indices.filter { chosen.contains(labels[$0]) }
        guard candidates.count > options.mapPoints else { return candidates }
        let step = Double(candidates.count) / Double(options.mapPoints)
        return (0..<options.mapPoints).map { candidates[Int(Double($0) * step)] }
    }

    static func maps(_ embeddings: Tensor, labels: [Int], options: RunReport.Options) -> [ReportContent.Projection] {
        let items = sample(labels: labels, options: options)
        guard items.count >= 3 else { return [] }
        let d = embeddings.shape[1], all = embeddings.scalars
        let points = items.map { Array(all[($0 * d)..<(($0 + 1) * d)]) }
        let classCount = Set(labels).count
        let note = "\(items.count) points of \(Swift.min(classCount, options.mapClasses)) of \(classCount) classes"
        var out: [ReportContent.Projection] = []
        if let pca = try? PCA.project(points, dimensions: 2) {
            out.append(.init(name: "PCA", items: items, points: pca, note: note))
        }
        if options.tsne, let tsne = try? TSNE(perplexity: Swift.min(30, Double(items.count - 1) / 3), iterations: 750, seed: options.seed).embed(points) {
            out.append(.init(name: "t-SNE", items: items, points: tsne, note: note))
        }
        return out
    }
}

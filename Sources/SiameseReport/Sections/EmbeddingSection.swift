/// 2-D maps of the embeddings (PCA and t-SNE), one point per item coloured by class, with the item's name (file or
/// sentence) and class as the hover title.
public struct EmbeddingSection: ReportSection {
    public let id = "embedding"
    public let title = "Embedding map"
    public let content: ReportContent
    public init(_ content: ReportContent) { self.content = content }

    public func plots() -> [(name: String, svg: String)] {
        let items = content.items
        return content.projections.map { p in
            let classes = Set(p.items.map { items.labels[$0] }).sorted()
            let colour = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            let points = zip(p.items, p.points).compactMap { item, xy -> ScatterPlot.Point? in
                guard xy.count >= 2 else { return nil }
                let label = items.labels[item]
                let name = item < items.names.count ? items.names[item] : "item \(item)"
                return .init(x: Double(xy[0]), y: Double(xy[1]), group: colour[label] ?? 0, title: "\(name) — \(items.className(label))")
            }
            let plot = ScatterPlot(title: p.name, points: points, groupNames: classes.map(items.className))
            return (p.name.lowercased().replacingOccurrences(of: "-", with: ""), plot.render())
        }
    }

    public func body() -> String {
        guard !content.projections.isEmpty else { return HTML.note("No embedding map could be computed for this run.") }
        let items = content.items
        let classes = Set(content.projections[0].items.map { items.labels[$0] }).sorted()
        let legend = "<ul class=\"legend\">" + classes.enumerated().map { i, c in
            "<li><span class=\"swatch\" style=\"background:\(Palette.color(i))\"></span>\(Markup.escape(items.className(c)))</li>"
        }.joined() + "</ul>"
        return HTML.figures(plots().map(\.svg)) + legend
            + HTML.note("\(content.projections[0].note). Hover a point for its file or sentence.")
    }
}

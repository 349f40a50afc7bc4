/// Histograms of the scores of same-class and different-class pairs, with the chosen and equal-error thresholds.
public struct DistanceSection: ReportSection {
    public let id = "distances"
    public let title = "Same-class and different-class pairs"
    public let content: ReportContent
    public init(_ content: ReportContent) { self.content = content }

    public func plots() -> [(name: String, svg: String)] {
        guard let v = content.verification else { return [] }
        let same = zip(v.pairs, v.scores).filter { $0.0.same }.map(\.1), different = zip(v.pairs, v.scores).filter { !$0.0.same }.map(\.1)
        var rules: [(x: Double, label: String)] = []
        if let t = v.threshold { rules.append((t.value, "chosen threshold \(Markup.value(t.value)) (\(t.rule))")) }
        if let e = try? v.equalErrorScore() { rules.append((e, "equal-error \(v.scoreName) \(Markup.value(e))")) }
        let h = Histogram(title: "\(v.scoreName.capitalized) of pairs", xLabel: v.scoreName,
                          groups: [.init("same class (\(same.count))", color: Palette.same, values: same),
                                   .init("different class (\(different.count))", color: Palette.different, values: different)],
                          bins: 40, rules: rules)
        return [("distances", h.render())]
    }

    public func body() -> String {
        guard content.verification != nil else { return HTML.note("No pairs were scored for this run.") }
        return HTML.figures(plots().map(\.svg)) + HTML.note("Dashed lines: the chosen threshold and the equal-error point. Hover a bar for its share.")
    }
}

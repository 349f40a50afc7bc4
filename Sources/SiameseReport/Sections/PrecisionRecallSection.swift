/// The precision-recall curve of the scored pairs ("same" is positive) with its average precision, from
/// SiameseEvaluation's ``PrecisionRecallCurve``.
public struct PrecisionRecallSection: ReportSection {
    public let id = "precision-recall"
    public let title = "Precision and recall"
    public let content: ReportContent
    public init(_ content: ReportContent) { self.content = content }

    public func plots() -> [(name: String, svg: String)] {
        guard let v = content.verification, let pr = try? v.precisionRecall() else { return [] }
        let points = [(x: 0.0, y: pr.precisions.first ?? 1)] + zip(pr.recalls, pr.precisions).map { (x: $0, y: $1) }
        let base = Double(v.pairs.filter(\.same).count) / Double(Swift.max(v.pairs.count, 1))
        var markers: [LinePlot.Marker] = []
        if let t = v.threshold {
            let r = v.rates(at: t)
            let positives = Double(v.pairs.filter(\.same).count), negatives = Double(v.pairs.count) - positives
            let tp = (1 - r.falseReject) * positives, fp = r.falseAccept * negatives
            if tp + fp > 0 {
                markers.append(.init(x: 1 - r.falseReject, y: tp / (tp + fp), color: Palette.threshold,
                                     label: "chosen threshold: recall \(Markup.percent(1 - r.falseReject)), precision \(Markup.percent(tp / (tp + fp)))",
                                     name: "chosen threshold"))
            }
        }
        let plot = LinePlot(frame: PlotFrame(title: "Precision-recall (AP \(String(format: "%.4f", pr.averagePrecision)))", xLabel: "recall",
                                             yLabel: "precision", x: AxisScale(0, 1), y: AxisScale(0, 1.02), width: 400, height: 340),
                            series: [.init("precision", color: Palette.accent, points: points),
                                     .init("chance (\(Markup.percent(base)))", color: "#bbbbbb", points: [(0, base), (1, base)], dashed: true)],
                            markers: markers)
        return [("precision-recall", plot.render())]
    }

    public func body() -> String {
        guard let v = content.verification, let pr = try? v.precisionRecall() else {
            return HTML.note("No verification pairs with both classes were evaluated for this run.")
        }
        return HTML.figures(plots().map(\.svg)) + HTML.table([("average precision", String(format: "%.4f", pr.averagePrecision)),
                                                               ("pairs", v.description)])
    }
}

import Foundation

/// ROC and DET curves of the scored pairs, with the equal-error point and the model's chosen threshold. The points
/// are SiameseEvaluation's ``ROCCurve``; the DET curve plots the same points as false-reject against false-accept rate
/// on normal-deviate axes.
public struct VerificationSection: ReportSection {
    public let id = "roc"
    public let title = "Verification: ROC and DET curves"
    public let content: ReportContent
    public init(_ content: ReportContent) { self.content = content }

    struct Curves { let roc: ROCPoints; let eer: Double; let threshold: (falseAccept: Double, falseReject: Double)? }
    typealias ROCPoints = [(x: Double, y: Double)]

    func curves() -> Curves? {
        guard let v = content.verification, let roc = try? v.roc(), let m = try? v.metrics() else { return nil }
        return Curves(roc: Array(zip(roc.falsePositiveRates, roc.truePositiveRates)).map { (x: $0, y: $1) }, eer: m.equalErrorRate,
                      threshold: v.threshold.map { v.rates(at: $0) })
    }

    public func plots() -> [(name: String, svg: String)] {
        guard let c = curves(), let v = content.verification else { return [] }
        let thresholdLabel = v.threshold.map { t in { (fa: Double, fr: Double) in
            "chosen threshold (\(v.scoreName) \(v.greaterIsCloser ? "≥" : "≤") \(Markup.value(t.value))): false accepts \(Markup.percent(fa)), false rejects \(Markup.percent(fr))"
        } }
        var rocMarkers = [LinePlot.Marker(x: c.eer, y: 1 - c.eer, color: Palette.color(1), label: "equal error rate \(Markup.percent(c.eer))", name: "equal error rate")]
        if let t = c.threshold, let label = thresholdLabel {
            rocMarkers.append(.init(x: t.falseAccept, y: 1 - t.falseReject, color: Palette.threshold, label: label(t.falseAccept, t.falseReject),
                                    name: "chosen threshold"))
        }
        let roc = LinePlot(frame: PlotFrame(title: "ROC curve", xLabel: "false-accept rate", yLabel: "true-accept rate",
                                            x: AxisScale(0, 1), y: AxisScale(0, 1), width: 400, height: 340),
                           series: [.init("ROC", color: Palette.accent, points: c.roc),
                                    .init("chance", color: "#bbbbbb", points: [(0, 0), (1, 1)], dashed: true)],
                           markers: rocMarkers)
        let positives = v.pairs.filter(\.same).count, negatives = v.pairs.count - positives
        let lower = Swift.min(0.01, Swift.max(1e-4, 0.5 / Double(Swift.max(1, Swift.min(positives, negatives)))))
        // Only the part inside the axes (rates of 0 have no place on a probit scale).
        let det = c.roc.map { (x: $0.x, y: 1 - $0.y) }.filter { $0.x >= lower && $0.y >= lower && $0.x <= 0.5 && $0.y <= 0.5 }
        var detMarkers = [LinePlot.Marker(x: c.eer, y: c.eer, color: Palette.color(1), label: "equal error rate \(Markup.percent(c.eer))", name: "equal error rate")]
        if let t = c.threshold, let label = thresholdLabel {
            detMarkers.append(.init(x: t.falseAccept, y: t.falseReject, color: Palette.threshold, label: label(t.falseAccept, t.falseReject),
                                    name: "chosen threshold"))
        }
        let detPlot = LinePlot(frame: PlotFrame(title: "DET curve", xLabel: "false-accept rate", yLabel: "false-reject rate",
                                                x: AxisScale(lower, 0.5, kind: .probit), y: AxisScale(lower, 0.5, kind: .probit), width: 400, height: 340),
                               series: [.init("DET", color: Palette.accent, points: det)], markers: detMarkers)
        return [("roc", roc.render()), ("det", detPlot.render())]
    }

    public func body() -> String {
        guard let v = content.verification else { return HTML.note("No verification pairs were evaluated for this run.") }
        guard let m = try? v.metrics() else { return HTML.note("The pairs hold a single class; ROC curves need both.") }
        var rows: [(String, String)] = [("pairs", v.description), ("ROC-AUC", String(format: "%.4f", m.rocAUC)),
                                        ("equal error rate", Markup.percent(m.equalErrorRate))]
        if let eer = try? v.equalErrorScore() { rows.append(("equal-error \(v.scoreName)", Markup.value(eer))) }
        if let t = v.threshold {
            let r = v.rates(at: t)
            rows.append(("chosen threshold", "\(v.scoreName) \(v.greaterIsCloser ? "≥" : "≤") \(Markup.value(t.value)) (\(t.rule))"))
            rows.append(("at the chosen threshold", "false accepts \(Markup.percent(r.falseAccept)), false rejects \(Markup.percent(r.falseReject))"))
        }
        return HTML.figures(plots().map(\.svg)) + HTML.table(rows)
    }
}

/// Training curves: mean loss, learning rate and the validation score per epoch (the best epoch marked).
public struct TrainingSection: ReportSection {
    public let id = "training"
    public let title = "Training"
    public let content: ReportContent
    public init(_ content: ReportContent) { self.content = content }

    func curve(_ name: String, _ values: [(x: Double, y: Double)], color: String, y: AxisScale? = nil, markers: [LinePlot.Marker] = []) -> String {
        let xs = values.map(\.x)
        var epochs = AxisScale(Swift.min(xs.min() ?? 1, 1), Swift.max(xs.max() ?? 1, 2))
        epochs.minimumStep = 1
        let frame = PlotFrame(title: name, xLabel: "epoch", yLabel: name, x: epochs,
                              y: y ?? .fitting(values.map(\.y)), width: 360, height: 260)
        return LinePlot(frame: frame, series: [.init(name, color: color, points: values)], markers: markers).render()
    }

    public func plots() -> [(name: String, svg: String)] {
        let e = content.epochs
        var out: [(String, String)] = []
        let loss = e.compactMap { r in r.loss.map { (x: Double(r.epoch), y: $0) } }
        if !loss.isEmpty { out.append(("loss", curve("training loss", loss, color: Palette.color(0)))) }
        let rate = e.compactMap { r in r.learningRate.map { (x: Double(r.epoch), y: $0) } }
        if !rate.isEmpty { out.append(("learning-rate", curve("learning rate", rate, color: Palette.color(1), y: .fitting(rate.map(\.y), includeZero: true)))) }
        let validation = e.compactMap { r in r.validation.map { (x: Double(r.epoch), y: $0) } }
        if !validation.isEmpty {
            let best = e.filter { $0.improved && $0.validation != nil }.last
            let markers = best.map { [LinePlot.Marker(x: Double($0.epoch), y: $0.validation!, color: Palette.different,
                                                      label: "best epoch \($0.epoch): \(Markup.value($0.validation!))")] } ?? []
            out.append(("validation", curve(content.validationMetric, validation, color: Palette.color(2), markers: markers)))
        }
        return out
    }

    public func body() -> String {
        let p = plots()
        guard !p.isEmpty else { return HTML.note("This run recorded no per-epoch history.") }
        var html = HTML.figures(p.map(\.svg))
        if content.epochs.first?.learningRate == nil { html += HTML.note("The learning rate was not recorded by this run.") }
        if content.epochs.first?.validation == nil { html += HTML.note("No per-epoch validation was recorded by this run.") }
        return html
    }
}

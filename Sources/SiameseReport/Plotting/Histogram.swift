/// Overlaid histograms of several groups of values on shared bins, each bar the fraction of its group in that bin
/// (so groups of different sizes compare), with vertical reference lines (thresholds).
///
/// Bins: `bins` equal widths over the range of all values. Marks: one `<rect class="mark bar">` per non-empty bin of
/// each group.
public struct Histogram: Sendable {
    public struct Group: Sendable {
        public let name: String, color: String, values: [Double]
        public init(_ name: String, color: String, values: [Double]) { self.name = name; self.color = color; self.values = values }
    }
    public var title: String, xLabel: String
    public var groups: [Group]
    public var bins: Int
    public var rules: [(x: Double, label: String)]

    public init(title: String, xLabel: String, groups: [Group], bins: Int = 40, rules: [(x: Double, label: String)] = []) {
        self.title = title; self.xLabel = xLabel; self.groups = groups; self.bins = Swift.max(1, bins); self.rules = rules
    }

    /// Bin edges (`bins + 1`) over every finite value.
    public var edges: [Double] {
        let all = groups.flatMap(\.values).filter(\.isFinite)
        var lo = all.min() ?? 0, hi = all.max() ?? 1
        if hi <= lo { lo -= 0.5; hi += 0.5 }
        return (0...bins).map { lo + (hi - lo) * Double($0) / Double(bins) }
    }

    /// Per group, the fraction of its values in each bin (the last bin includes its upper edge).
    public var fractions: [[Double]] {
        let e = edges, lo = e[0], width = (e[bins] - e[0]) / Double(bins)
        return groups.map { g in
            var counts = [Double](repeating: 0, count: bins)
            let finite = g.values.filter(\.isFinite)
            for v in finite { counts[Swift.min(bins - 1, Swift.max(0, Int((v - lo) / width)))] += 1 }
            return counts.map { $0 / Double(Swift.max(finite.count, 1)) }
        }
    }

    public func render() -> String {
        let e = edges, f = fractions
        let top = f.flatMap { $0 }.max() ?? 1
        let xs = AxisScale(e[0], e[bins])
        let frame = PlotFrame(title: title, xLabel: xLabel, yLabel: "fraction of pairs", x: xs, y: AxisScale(0, Swift.max(top * 1.08, 1e-9)))
        let c = Markup.coordinate
        var marks: [String] = []
        for (g, group) in groups.enumerated() {
            for b in 0..<bins where f[g][b] > 0 {
                let x0 = frame.px(e[b]), x1 = frame.px(e[b + 1]), y = frame.py(f[g][b]), base = frame.py(0)
                let label = "\(group.name): \(Markup.percent(f[g][b])) between \(Markup.value(e[b])) and \(Markup.value(e[b + 1]))"
                marks.append(##"<rect class="mark bar" x="\##(c(x0))" y="\##(c(y))" width="\##(c(Swift.max(x1 - x0 - 0.5, 0.5)))" height="\##(c(base - y))" fill="\##(group.color)" fill-opacity="0.55"><title>\##(Markup.escape(label))</title></rect>"##)
            }
        }
        for rule in rules where rule.x.isFinite {
            let p = frame.px(rule.x)
            marks.append(##"<line class="rule" x1="\##(c(p))" y1="\##(c(frame.top))" x2="\##(c(p))" y2="\##(c(frame.height - frame.bottom))" stroke="\##(Palette.threshold)" stroke-width="1.5" stroke-dasharray="4 3"><title>\##(Markup.escape(rule.label))</title></line>"##)
        }
        return frame.render(marks, legend: groups.map { PlotFrame.LegendEntry($0.name, color: $0.color) })
    }
}

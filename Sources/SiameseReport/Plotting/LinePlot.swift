/// Lines through points (one `<polyline class="mark line">` per series), highlighted points (one
/// `<circle class="mark marker">` each, with a hover title) and vertical reference lines (`<line class="rule">`).
public struct LinePlot: Sendable {
    public struct Series: Sendable {
        public let name: String, color: String
        public let points: [(x: Double, y: Double)]
        public let dashed: Bool
        public init(_ name: String, color: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name; self.color = color; self.points = points; self.dashed = dashed
        }
    }
    public struct Marker: Sendable {
        /// `label` is the hover title; `name` the legend's (default: `label`).
        public let x: Double, y: Double, color: String, label: String, name: String
        public init(x: Double, y: Double, color: String, label: String, name: String? = nil) {
            self.x = x; self.y = y; self.color = color; self.label = label; self.name = name ?? label
        }
    }

    public var frame: PlotFrame
    public var series: [Series]
    public var markers: [Marker]
    /// Vertical lines at these x values, with their labels.
    public var rules: [(x: Double, label: String)]

    public init(frame: PlotFrame, series: [Series], markers: [Marker] = [], rules: [(x: Double, label: String)] = []) {
        self.frame = frame; self.series = series; self.markers = markers; self.rules = rules
    }

    /// The plot as a standalone `<svg>` element.
    public func render() -> String {
        let c = Markup.coordinate
        var marks: [String] = []
        for rule in rules {
            let p = frame.px(rule.x)
            marks.append(##"<line class="rule" x1="\##(c(p))" y1="\##(c(frame.top))" x2="\##(c(p))" y2="\##(c(frame.height - frame.bottom))" stroke="\##(Palette.threshold)" stroke-dasharray="4 3"><title>\##(Markup.escape(rule.label))</title></line>"##)
        }
        for s in series where !s.points.isEmpty {
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }.map { "\(c(frame.px($0.x))),\(c(frame.py($0.y)))" }
            guard !points.isEmpty else { continue }
            let dash = s.dashed ? " stroke-dasharray=\"5 4\"" : ""
            marks.append(##"<polyline class="mark line" fill="none" stroke="\##(s.color)" stroke-width="2"\##(dash) points="\##(points.joined(separator: " "))"><title>\##(Markup.escape(s.name))</title></polyline>"##)
        }
        for m in markers where m.x.isFinite && m.y.isFinite {
            marks.append(##"<circle class="mark marker" cx="\##(c(frame.px(m.x)))" cy="\##(c(frame.py(m.y)))" r="5" fill="\##(m.color)" stroke="#fff" stroke-width="1.5"><title>\##(Markup.escape(m.label))</title></circle>"##)
        }
        let legend = series.map { PlotFrame.LegendEntry($0.name, color: $0.color) } + markers.map { PlotFrame.LegendEntry($0.name, color: $0.color) }
        return frame.render(marks, legend: legend.count > 1 ? legend : [])
    }
}

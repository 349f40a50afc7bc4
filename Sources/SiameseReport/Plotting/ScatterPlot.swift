/// Points coloured by group, each a `<circle class="mark point">` with a hover title (an SVG `<title>`, shown by
/// every browser without script).
public struct ScatterPlot: Sendable {
    public struct Point: Sendable {
        public let x: Double, y: Double, group: Int, title: String
        public init(x: Double, y: Double, group: Int, title: String) { self.x = x; self.y = y; self.group = group; self.title = title }
    }
    public var title: String
    public var points: [Point]
    /// Legend names of the groups (only the first ten are listed).
    public var groupNames: [String]

    public init(title: String, points: [Point], groupNames: [String] = []) {
        self.title = title; self.points = points; self.groupNames = groupNames
    }

    public func render() -> String {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        var frame = PlotFrame(title: title, xLabel: "", yLabel: "", x: .fitting(finite.map(\.x)), y: .fitting(finite.map(\.y)),
                              width: 460, height: 400)
        frame.left -= 22; frame.bottom = 30
        let c = Markup.coordinate
        let marks = finite.map { p in
            ##"<circle class="mark point" cx="\##(c(frame.px(p.x)))" cy="\##(c(frame.py(p.y)))" r="3.2" fill="\##(Palette.color(p.group))" fill-opacity="0.8"><title>\##(Markup.escape(p.title))</title></circle>"##
        }
        return frame.render(marks)
    }
}

/// The frame every plot draws into: an SVG of fixed size with a title, two axes with ticks, grid lines and labels,
/// and an optional legend. Data marks are added by the plot kinds (``LinePlot``, ``Histogram``, ``ScatterPlot``),
/// each with the class `mark` so that a checker can tell an empty plot from a drawn one.
public struct PlotFrame: Sendable {
    public var title: String
    public var xLabel: String, yLabel: String
    public var x: AxisScale, y: AxisScale
    public var width: Double = 460, height: Double = 320
    public var left: Double = 58, right: Double = 14, top: Double = 30, bottom: Double = 46

    public init(title: String, xLabel: String, yLabel: String, x: AxisScale, y: AxisScale, width: Double = 460, height: Double = 320) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.x = x; self.y = y
        self.width = width; self.height = height
        // Room for the longest y tick label beside the axis title.
        left = Swift.max(left, 34 + 6.4 * Double(y.ticks().map(\.label.count).max() ?? 0))
    }

    /// Horizontal pixel position of a data value.
    public func px(_ v: Double) -> Double { left + x.fraction(v) * (width - left - right) }
    /// Vertical pixel position of a data value (up is larger).
    public func py(_ v: Double) -> Double { height - bottom - y.fraction(v) * (height - top - bottom) }

    /// A legend entry: a colour swatch and its name.
    public struct LegendEntry: Sendable {
        public let name: String, color: String
        public init(_ name: String, color: String) { self.name = name; self.color = color }
    }

    /// The whole `<svg>` element around `marks` (already SVG markup).
    public func render(_ marks: [String], legend: [LegendEntry] = []) -> String {
        let c = Markup.coordinate
        var out = [##"<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="\##(c(width))" height="\##(c(height))" viewBox="0 0 \##(c(width)) \##(c(height))" role="img">"##]
        out.append("<title>\(Markup.escape(title))</title>")
        out.append(##"<rect x="0" y="0" width="\##(c(width))" height="\##(c(height))" fill="#ffffff"/>"##)
        let x0 = left, x1 = width - right, y0 = height - bottom, y1 = top
        var axes = [##"<g class="axes" font-size="11" fill="#444">"##]
        var lastX = -Double.infinity
        for t in x.ticks() {
            let p = px(t.value)
            // Labels closer than their own width would overlap: keep the first.
            guard p - lastX >= 8 + 6.2 * Double(t.label.count) else { continue }
            lastX = p
            axes.append(##"<line x1="\##(c(p))" y1="\##(c(y1))" x2="\##(c(p))" y2="\##(c(y0))" stroke="#e6e6e6"/>"##)
            axes.append(##"<text x="\##(c(p))" y="\##(c(y0 + 15))" text-anchor="middle">\##(Markup.escape(t.label))</text>"##)
        }
        var lastY = Double.infinity
        for t in y.ticks() {
            let p = py(t.value)
            guard lastY - p >= 14 else { continue }
            lastY = p
            axes.append(##"<line x1="\##(c(x0))" y1="\##(c(p))" x2="\##(c(x1))" y2="\##(c(p))" stroke="#e6e6e6"/>"##)
            axes.append(##"<text x="\##(c(x0 - 6))" y="\##(c(p + 4))" text-anchor="end">\##(Markup.escape(t.label))</text>"##)
        }
        axes.append(##"<rect x="\##(c(x0))" y="\##(c(y1))" width="\##(c(x1 - x0))" height="\##(c(y0 - y1))" fill="none" stroke="#999"/>"##)
        axes.append(##"<text x="\##(c((x0 + x1) / 2))" y="\##(c(height - 8))" text-anchor="middle" font-size="12">\##(Markup.escape(xLabel))</text>"##)
        axes.append(##"<text transform="translate(14 \##(c((y0 + y1) / 2))) rotate(-90)" text-anchor="middle" font-size="12">\##(Markup.escape(yLabel))</text>"##)
        axes.append(##"<text x="\##(c(x0))" y="18" font-size="13" font-weight="600" fill="#222">\##(Markup.escape(title))</text>"##)
        axes.append("</g>")
        out += axes
        out.append(##"<g class="marks">"##)
        out += marks
        out.append("</g>")
        if !legend.isEmpty {
            // Below the x label, flowing left to right and wrapping, so it never hides data.
            var lines = [##"<g class="legend" font-size="11" fill="#333">"##]
            var lx = x0, ly = height + 6
            for e in legend {
                let w = 22 + 6.2 * Double(e.name.count)
                if lx + w > width - right, lx > x0 { lx = x0; ly += 16 }
                lines.append(##"<rect x="\##(c(lx))" y="\##(c(ly - 9))" width="10" height="10" rx="2" fill="\##(e.color)"/>"##)
                lines.append(##"<text x="\##(c(lx + 14))" y="\##(c(ly))">\##(Markup.escape(e.name))</text>"##)
                lx += w + 8
            }
            lines.append("</g>")
            out += lines
            let total = ly + 8
            out[0] = ##"<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="\##(c(width))" height="\##(c(total))" viewBox="0 0 \##(c(width)) \##(c(total))" role="img">"##
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }
}

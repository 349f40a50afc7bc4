import Foundation
import Testing
@testable import SiameseReport

/// Counts of data marks for known inputs, for the three plot kinds.
@Suite struct PlotTests {
    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func linePlotDrawsOneLinePerSeriesAndOneMarkerEach() {
        let frame = PlotFrame(title: "t", xLabel: "x", yLabel: "y", x: AxisScale(0, 1), y: AxisScale(0, 1))
        let svg = LinePlot(frame: frame, series: [.init("a", color: "#000", points: [(0, 0), (0.5, 0.7), (1, 1)]),
                                                   .init("b", color: "#111", points: [(0, 1), (1, 0)]),
                                                   .init("empty", color: "#222", points: [])],
                           markers: [.init(x: 0.2, y: 0.3, color: "#f00", label: "m"), .init(x: .nan, y: 0, color: "#f00", label: "skipped")]).render()
        #expect(Self.count("class=\"mark line\"", in: svg) == 2)
        #expect(Self.count("class=\"mark marker\"", in: svg) == 1)
        // The first series' three points, in pixels: x from 58 to 446 and y from 274 to 30.
        #expect(svg.contains("points=\"58.00,274.00 252.00,103.20 446.00,30.00\""))
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
    }

    @Test func histogramCountsFractionsPerBin() {
        let h = Histogram(title: "h", xLabel: "d", groups: [.init("same", color: "#0f0", values: [0, 0.1, 0.2, 0.9]),
                                                            .init("different", color: "#f00", values: [1, 1, 1])], bins: 10)
        #expect(h.edges.count == 11 && h.edges.first == 0 && h.edges.last == 1)
        #expect(h.fractions[0] == [0.25, 0.25, 0.25, 0, 0, 0, 0, 0, 0, 0.25])
        #expect(h.fractions[1][9] == 1)
        let svg = h.render()
        // Non-empty bins: four of "same", one of "different".
        #expect(Self.count("class=\"mark bar\"", in: svg) == 5)
    }

    @Test func scatterDrawsEveryFinitePointWithItsTitle() {
        let points = (0..<25).map { ScatterPlot.Point(x: Double($0), y: Double($0 % 5), group: $0 % 3, title: "p\($0) <b>") }
            + [.init(x: .infinity, y: 0, group: 0, title: "off")]
        let svg = ScatterPlot(title: "map", points: points).render()
        #expect(Self.count("class=\"mark point\"", in: svg) == 25)
        #expect(svg.contains("<title>p7 &lt;b&gt;</title>"))
        #expect(!svg.contains("<b>"))
    }
}

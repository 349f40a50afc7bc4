import Testing
@testable import SiameseReport

@Suite struct AxisScaleTests {
    /// Φ⁻¹ against values of the standard normal quantile (scipy.stats.norm.ppf).
    @Test func probitMatchesNormalQuantiles() {
        let cases: [(Double, Double)] = [(0.5, 0), (0.975, 1.959963984540054), (0.025, -1.959963984540054),
                                         (0.001, -3.090232306167813), (0.8413447460685429, 1)]
        for (p, z) in cases { #expect(abs(AxisScale.probit(p) - z) < 1e-8, "Φ⁻¹(\(p))") }
    }

    @Test func linearTicksAreNiceAndInside() {
        let ticks = AxisScale(0, 1).ticks()
        #expect(ticks.map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        var epochs = AxisScale(1, 3)
        epochs.minimumStep = 1
        #expect(epochs.ticks().map(\.label) == ["1", "2", "3"])
    }

    @Test func fractionsMapTheDomain() {
        let s = AxisScale(2, 4)
        #expect(s.fraction(2) == 0 && s.fraction(4) == 1 && s.fraction(3) == 0.5)
        let det = AxisScale(0.01, 0.5, kind: .probit)
        #expect(abs(det.fraction(0.5) - 1) < 1e-12 && abs(det.fraction(0.01)) < 1e-12)
        // Values outside stay just outside instead of running off the plot.
        #expect(det.fraction(0) == -0.02)
        #expect(AxisScale(5, 5).upper > AxisScale(5, 5).lower)
    }
}

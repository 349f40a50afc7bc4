import Foundation
import Testing
@testable import SiameseCore

@Suite struct FastMathTests {
    @Test func expMatchesLibm() {
        var worst: Float = 0
        var x: Float = -103
        while x < 88.7 {
            let exact = Float(Foundation.exp(Double(x)))
            let rel = Swift.abs(FastMath.exp(x) - exact) / Swift.max(exact, .leastNormalMagnitude)
            if x >= -87.3 { worst = Swift.max(worst, rel) }
            x += 0.0137
        }
        #expect(worst < 3e-7)
        #expect(FastMath.exp(0) == 1)
        #expect(FastMath.exp(-200) == 0 && FastMath.exp(100) == .infinity && FastMath.exp(.nan).isNaN)
        #expect(FastMath.exp(-.infinity) == 0)
    }
}

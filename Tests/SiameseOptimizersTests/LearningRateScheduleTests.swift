import Foundation
import Testing
@testable import SiameseOptimizers

@Suite struct LearningRateScheduleTests {
    @Test func closedForms() {
        #expect(ConstantSchedule(0.1).rate(at: 1000) == 0.1)
        let step = StepSchedule(base: 1, stepSize: 10, gamma: 0.5)
        #expect(step.rate(at: 9) == 1 && step.rate(at: 10) == 0.5 && step.rate(at: 25) == 0.25)
        #expect(Swift.abs(ExponentialSchedule(base: 2, gamma: 0.9).rate(at: 3) - 2 * 0.729) < 1e-6)
    }

    @Test func warmupThenCosine() {
        let s = WarmupCosineSchedule(base: 1, warmupSteps: 4, totalSteps: 14, minimum: 0.1)
        #expect(s.rate(at: 0) == 0.25 && s.rate(at: 3) == 1)
        #expect(s.rate(at: 4) == 1)
        #expect(Swift.abs(s.rate(at: 9) - 0.55) < 1e-6)  // halfway: min + (base − min)/2
        #expect(Swift.abs(s.rate(at: 14) - 0.1) < 1e-6)
        #expect(Swift.abs(s.rate(at: 100) - 0.1) < 1e-6)
    }

    @Test func oneCycleMatchesPyTorchShape() {
        let s = OneCycleSchedule(maxRate: 1, totalSteps: 100)
        #expect(Swift.abs(s.rate(at: 0) - 0.04) < 1e-6)         // max / 25
        #expect(Swift.abs(s.rate(at: 29) - 1) < 1e-6)           // peak at pct·total − 1
        #expect(Swift.abs(s.rate(at: 99) - 0.04 / 1e4) < 1e-9)  // final
        let mid = 29 + (99 - 29) / 2
        #expect(s.rate(at: mid) < 0.55 && s.rate(at: mid) > 0.45)
    }

    @Test func applySetsTheOptimizersRateForItsNextStep() {
        let (p, loss) = quadratic()
        let opt = SGD([("p", p)], learningRate: 123)
        let s = StepSchedule(base: 1, stepSize: 1, gamma: 0.5)
        s.apply(to: opt)
        #expect(opt.learningRate == 1)
        loss(); opt.step()
        s.apply(to: opt)
        #expect(opt.learningRate == 0.5)
    }
}

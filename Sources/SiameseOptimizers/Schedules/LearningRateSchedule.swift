#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A learning rate as a pure function of the step number, so a resumed run only needs the step count.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate for step `step` (0-based: the rate used by the first update is `rate(at: 0)`).
    func rate(at step: Int) -> Float
}

extension LearningRateSchedule {
    /// Sets `optimizer`'s learning rate for its next step.
    public func apply(to optimizer: any Optimizer) {
        optimizer.learningRate = rate(at: optimizer.stepCount)
    }
}

/// The same rate at every step.
public struct ConstantSchedule: LearningRateSchedule {
    public let base: Float
    public init(_ base: Float) { self.base = base }
    public func rate(at step: Int) -> Float { base }
}

/// `base · γ^⌊step / stepSize⌋`, as `StepLR`.
public struct StepSchedule: LearningRateSchedule {
    public let base: Float, stepSize: Int, gamma: Float
    public init(base: Float, stepSize: Int, gamma: Float = 0.1) {
        precondition(stepSize > 0, "StepSchedule: stepSize must be positive")
        self.base = base; self.stepSize = stepSize; self.gamma = gamma
    }
    public func rate(at step: Int) -> Float { base * powf(gamma, Float(step / stepSize)) }
}

/// `base · γ^step`, as `ExponentialLR`.
public struct ExponentialSchedule: LearningRateSchedule {
    public let base: Float, gamma: Float
    public init(base: Float, gamma: Float) { self.base = base; self.gamma = gamma }
    public func rate(at step: Int) -> Float { base * powf(gamma, Float(step)) }
}

/// Linear warm-up from 0 to `base` over `warmupSteps`, then cosine decay to `minimum` at `totalSteps`.
///
/// Warm-up: `base · (step + 1) / warmupSteps`; decay: `minimum + (base − minimum) · (1 + cos(π·p)) / 2`
/// with `p = (step − warmupSteps) / (totalSteps − warmupSteps)`, clamped to [0, 1].
public struct WarmupCosineSchedule: LearningRateSchedule {
    public let base: Float, warmupSteps: Int, totalSteps: Int, minimum: Float
    public init(base: Float, warmupSteps: Int, totalSteps: Int, minimum: Float = 0) {
        precondition(totalSteps > warmupSteps && warmupSteps >= 0, "WarmupCosineSchedule: need totalSteps > warmupSteps ≥ 0")
        self.base = base; self.warmupSteps = warmupSteps; self.totalSteps = totalSteps; self.minimum = minimum
    }
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return base * Float(step + 1) / Float(warmupSteps) }
        let p = Swift.min(1, Float(step - warmupSteps) / Float(totalSteps - warmupSteps))
        return minimum + (base - minimum) * (1 + cosf(Float.pi * p)) / 2
    }
}

/// Linear warm-up from 0 to `base` over `warmupSteps`, then linear decay to 0 at `totalSteps`, as Hugging Face's
/// `get_linear_schedule_with_warmup` (sentence-transformers' default `WarmupLinear`):
///
/// `base · step / warmupSteps` while `step < warmupSteps`, then `base · max(0, (totalSteps − step) / (totalSteps − warmupSteps))`.
/// Step 0 has rate 0 when there is a warm-up, as there.
public struct WarmupLinearSchedule: LearningRateSchedule {
    public let base: Float, warmupSteps: Int, totalSteps: Int
    public init(base: Float, warmupSteps: Int, totalSteps: Int) {
        precondition(totalSteps > warmupSteps && warmupSteps >= 0, "WarmupLinearSchedule: need totalSteps > warmupSteps ≥ 0")
        self.base = base; self.warmupSteps = warmupSteps; self.totalSteps = totalSteps
    }
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return base * Float(step) / Float(warmupSteps) }
        return base * Swift.max(0, Float(totalSteps - step) / Float(totalSteps - warmupSteps))
    }
}

/// The one-cycle policy with cosine annealing, as PyTorch's `OneCycleLR` (`anneal_strategy="cos"`, two phases).
///
/// From `maxRate / divFactor` up to `maxRate` over the first `pctStart` of the steps, then down to
/// `maxRate / (divFactor · finalDivFactor)` at the last step.
public struct OneCycleSchedule: LearningRateSchedule {
    public let maxRate: Float, totalSteps: Int, pctStart: Float, divFactor: Float, finalDivFactor: Float
    public init(maxRate: Float, totalSteps: Int, pctStart: Float = 0.3, divFactor: Float = 25, finalDivFactor: Float = 1e4) {
        precondition(totalSteps > 1, "OneCycleSchedule: totalSteps must be > 1")
        self.maxRate = maxRate; self.totalSteps = totalSteps; self.pctStart = pctStart
        self.divFactor = divFactor; self.finalDivFactor = finalDivFactor
    }
    public func rate(at step: Int) -> Float {
        let initial = maxRate / divFactor, final = initial / finalDivFactor
        let peak = Float(pctStart * Float(totalSteps)) - 1
        let last = Float(totalSteps - 1)
        let s = Float(Swift.min(step, totalSteps - 1))
        func cosAnneal(_ start: Float, _ end: Float, _ pct: Float) -> Float { end + (start - end) / 2 * (1 + cosf(Float.pi * pct)) }
        if s <= peak { return cosAnneal(initial, maxRate, s / peak) }
        return cosAnneal(maxRate, final, (s - peak) / (last - peak))
    }
}

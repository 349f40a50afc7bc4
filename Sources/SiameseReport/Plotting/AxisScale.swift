import Foundation

/// How an axis maps data values to a fraction of its length, and where its ticks go.
///
/// `linear`: evenly spaced "nice" ticks (steps of 1, 2 or 5 × 10ᵏ). `probit`: the normal deviate Φ⁻¹(p), the scale of
/// DET curves (Martin et al., 1997), for probabilities in (0, 1). `log`: base-10 logarithm, for positive values.
public struct AxisScale: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case linear, probit, log }
    public let lower: Double, upper: Double
    public let kind: Kind
    /// The smallest step between linear ticks (1 for counts such as epochs).
    public var minimumStep = 0.0

    public init(_ lower: Double, _ upper: Double, kind: Kind = .linear) {
        var lo = lower, hi = upper
        if !lo.isFinite || !hi.isFinite { (lo, hi) = (0, 1) }
        if hi <= lo { (lo, hi) = (lo - 0.5 * Swift.max(abs(lo), 1), lo + 0.5 * Swift.max(abs(lo), 1)) }
        self.lower = lo; self.upper = hi; self.kind = kind
    }

    /// A linear scale covering `values` with 4 % padding (and zero, when asked).
    public static func fitting(_ values: [Double], includeZero: Bool = false, padding: Double = 0.04) -> AxisScale {
        let finite = values.filter(\.isFinite)
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if includeZero { lo = Swift.min(lo, 0); hi = Swift.max(hi, 0) }
        let pad = (hi - lo) * padding
        return AxisScale(lo - (includeZero && lo == 0 ? 0 : pad), hi + pad)
    }

    /// Where `value` falls, 0 at ``lower`` and 1 at ``upper`` (clamped to a little beyond the axis).
    public func fraction(_ value: Double) -> Double {
        let f: Double
        switch kind {
        case .linear: f = (value - lower) / (upper - lower)
        case .log:
            let v = Swift.max(value, lower)
            f = (log10(v) - log10(lower)) / (log10(upper) - log10(lower))
        case .probit:
            let clamp = { (p: Double) in Swift.min(Swift.max(p, 1e-6), 1 - 1e-6) }
            f = (Self.probit(clamp(value)) - Self.probit(clamp(lower))) / (Self.probit(clamp(upper)) - Self.probit(clamp(lower)))
        }
        return f.isFinite ? Swift.min(Swift.max(f, -0.02), 1.02) : 0
    }

    /// Tick positions and labels.
    public func ticks() -> [(value: Double, label: String)] {
        switch kind {
        case .probit:
            return [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99]
                .filter { $0 >= lower * 0.999 && $0 <= upper * 1.001 }
                .map { ($0, Self.percentLabel($0)) }
        case .log:
            var out: [(Double, String)] = []
            var e = floor(log10(lower))
            while pow(10, e) <= upper * 1.0001 {
                let v = pow(10, e)
                if v >= lower * 0.9999 { out.append((v, String(format: "%g", v))) }
                e += 1
            }
            return out.isEmpty ? [(lower, String(format: "%.2g", lower)), (upper, String(format: "%.2g", upper))] : out
        case .linear:
            let raw = (upper - lower) / 5
            let magnitude = pow(10, floor(log10(raw)))
            let step = Swift.max(minimumStep, [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw)
            var out: [(Double, String)] = []
            var v = ceil(lower / step - 1e-9) * step
            let decimals = Swift.max(0, -Int(floor(log10(step))))
            while v <= upper + step * 1e-9 {
                out.append((abs(v) < step * 1e-9 ? 0 : v, String(format: "%.\(decimals)f", abs(v) < step * 1e-9 ? 0 : v)))
                v += step
            }
            return out
        }
    }

    static func percentLabel(_ p: Double) -> String {
        let v = 100 * p
        return v >= 1 ? String(format: "%g %%", v.rounded()) : String(format: "%g %%", v)
    }

    /// Φ⁻¹(p), the standard normal quantile: Acklam's rational approximation refined by one Halley step on
    /// Φ(x) = erfc(−x/√2)/2, good to about 1e-12.
    public static func probit(_ p: Double) -> Double {
        let x = roughProbit(p)
        guard x.isFinite else { return x }
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        return x - u / (1 + x * u / 2)
    }

    static func roughProbit(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                 -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                 -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549671010173910e+00,
                 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        func tail(_ q: Double) -> Double {
            (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p < low { return tail((-2 * log(p)).squareRoot()) }
        if p > 1 - low { return -tail((-2 * log(1 - p)).squareRoot()) }
        let q = p - 0.5, r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}

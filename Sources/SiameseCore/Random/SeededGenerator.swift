/// A fast, seedable random number generator (xoshiro256**, seeded through SplitMix64).
///
/// The same seed gives the same sequence on every run and every platform, which makes
/// initialisation, dropout, shuffling and augmentation reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// Creates a generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&sm); s1 = splitMix(&sm); s2 = splitMix(&sm); s3 = splitMix(&sm)
    }

    /// The complete internal state, to save with a checkpoint.
    public var state: [UInt64] {
        get { [s0, s1, s2, s3] }
        set {
            precondition(newValue.count == 4, "SeededGenerator.state: expected 4 words, got \(newValue.count)")
            (s0, s1, s2, s3) = (newValue[0], newValue[1], newValue[2], newValue[3])
        }
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform float in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A standard normal float (Box–Muller on two uniforms).
    public mutating func nextNormal() -> Float {
        let u1 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let r = (-2.0 * _log(max(u1, 1e-300))).squareRoot()
        return Float(r * _cos(2.0 * Double.pi * u2))
    }

    /// A uniform integer in `0..<bound` without modulo bias.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt: bound must be positive")
        return Int(next(upperBound: UInt64(bound)))
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) private func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif

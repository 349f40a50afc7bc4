/// Scalar math that the compiler can inline and vectorise, unlike calls into libm.
enum FastMath {
    /// eˣ for Float: Cody–Waite range reduction plus a degree-6 polynomial, branch-free so loops over it
    /// vectorise (even with only SSE2). Relative error ≤ 2 ulp where the result is a normal float;
    /// 0 below −87.34 (where eˣ is subnormal), +∞ above 88.72, NaN for NaN.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let xc = Swift.min(Swift.max(x, -87.33654), 88.72283)
        // k = round(x / ln 2) by the 1.5·2²³ trick (no rounding instruction needed).
        let shifted = xc * 1.442695041 + 12_582_912
        let k = shifted - 12_582_912
        let r = (xc - k * 0.693359375) - k * -2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let er = p * r * r + r + 1
        // 2^k in two factors, so k = 128 (results near Float.greatestFiniteMagnitude) stays finite.
        // The integer k sits in the low mantissa bits of `shifted` (no trapping Float → Int conversion).
        let ki = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
        let half = ki >> 1
        let s1 = Float(bitPattern: UInt32(bitPattern: (half &+ 127) << 23))
        let s2 = Float(bitPattern: UInt32(bitPattern: (ki &- half &+ 127) << 23))
        var result = er * s1 * s2
        result = x < -87.33654 ? 0 : result
        result = x > 88.72283 ? .infinity : result
        return x.isNaN ? x : result
    }
}

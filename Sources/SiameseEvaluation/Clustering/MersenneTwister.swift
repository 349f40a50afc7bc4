/// The 32-bit Mersenne Twister (MT19937, seeded like C++'s `std::mt19937(seed)`), and faiss's uses of it.
///
/// faiss draws its k-means initialisation and sub-sample with `RandomGenerator` (an `std::mt19937`):
/// `rand_int(max) = mt() % max`, `rand_float() = mt() / float(mt.max())`, and `rand_perm` is a forward
/// Fisher–Yates shuffle drawing `rand_int(n − i)` for position `i`. ``KMeans`` uses this generator so that it
/// picks the same initial centroids as faiss's `Kmeans` for the same seed.
struct MersenneTwister {
    private var state: [UInt32]
    private var index = 624

    init(seed: UInt32) {
        var s = [UInt32](repeating: 0, count: 624)
        s[0] = seed
        for i in 1..<624 { s[i] = 1_812_433_253 &* (s[i - 1] ^ (s[i - 1] >> 30)) &+ UInt32(i) }
        state = s
    }

    /// The next 32-bit output.
    mutating func next() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            var v = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { v ^= 0x9908_B0DF }
            state[i] = v
        }
        index = 0
    }

    /// faiss's `rand_int(max)`: `mt() % max` (`max ≥ 1`).
    mutating func int(below max: Int) -> Int { Int(next() % UInt32(max)) }

    /// faiss's `rand_float()`: `mt() / float(mt.max())`, in float.
    mutating func float() -> Float { Float(next()) / Float(UInt32.max) }

    /// faiss's `rand_perm(perm, n, seed)`: a permutation of `0..<n` from a fresh generator seeded with `seed`.
    static func permutation(_ n: Int, seed: Int64) -> [Int] {
        var perm = Array(0..<n)
        var g = MersenneTwister(seed: UInt32(truncatingIfNeeded: seed))
        var i = 0
        while i + 1 < n {
            perm.swapAt(i, i + g.int(below: n - i))
            i += 1
        }
        return perm
    }
}

import CSiameseKernels
import Foundation

/// The wide-vector kernels of the C target `CSiameseKernels` (direct convolution, 2×2 max-pool), chosen at run
/// time: Swift library targets compile for baseline x86-64, and SwiftPM dependencies may not carry -mavx2 flags.
///
/// `SIAMESEKIT_SIMD=none|avx2|avx512` caps the instruction set for the whole process (for comparisons).
public enum SIMDKernels {
    /// What this CPU (capped by `SIAMESEKIT_SIMD`) allows: 0 = none, 1 = AVX2 + FMA, 2 = AVX-512F.
    public static let hardwareLevel: Int = {
        let detected = Int(sk_simd_level())
        switch ProcessInfo.processInfo.environment["SIAMESEKIT_SIMD"]?.lowercased() {
        case "none", "off", "0": return 0
        case "avx2": return Swift.min(detected, 1)
        default: return detected
        }
    }()

    /// A cap for the current task (tests compare the paths): 0 forces the portable Swift and GEMM paths.
    @TaskLocal public static var maximumLevel = Int.max

    /// The level used by kernels started now.
    public static var level: Int { Swift.min(hardwareLevel, maximumLevel) }
}

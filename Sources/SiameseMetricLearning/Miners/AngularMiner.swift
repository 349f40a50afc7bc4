import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The triplets whose angle at the negative exceeds `angleDegrees` (PML's `AngularMiner`, after the angular loss
/// of Wang et al. 2017): with the centre `c = (a + p) / 2`, the angle is `atan(‖a − p‖ / (2 ‖n − c‖))`.
///
/// As PML, the angle is measured on the embeddings as given (not normalised), with `torch`'s pairwise-distance
/// offset of 1e-6. Default `angleDegrees` 20. Runs without recording gradients.
public struct AngularMiner: Sendable {
    public let angleDegrees: Float

    public init(angleDegrees: Float = 20) { self.angleDegrees = angleDegrees }

    public func callAsFunction(_ embeddings: Tensor, labels: [Int]) -> MinedTuples {
        mine(embeddings, labels: labels, reference: nil)
    }

    func mine(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet?) -> MinedTuples {
        let x = embeddings.detached().contiguous().scalars
        let y = reference.map { $0.embeddings.detached().contiguous().scalars } ?? x
        let d = embeddings.shape[1]
        let others = reference?.labels ?? labels
        let selfComparison = reference == nil
        let threshold = Double(angleDegrees) * Double.pi / 180
        let epsilon = 1e-6
        /// The angle of one triplet, exactly as PML defines it (in double precision).
        func exactAngle(_ i: Int, _ j: Int, _ m: Int) -> Double {
            var ap = 0.0, nc = 0.0
            for k in 0..<d {
                let u = Double(x[i * d + k]), v = Double(y[j * d + k]), w = Double(y[m * d + k])
                let t = u - v + epsilon
                ap += t * t
                let s = w - (u + v) / 2 + epsilon
                nc += s * s
            }
            return atan(ap.squareRoot() / (2 * nc.squareRoot()))
        }
        // The positive pairs (a, p) in PML's order; every negative of the anchor follows each of them.
        var pairs: [(Int, Int)] = []
        for i in labels.indices {
            for j in others.indices where !(selfComparison && j == i) && others[j] == labels[i] { pairs.append((i, j)) }
        }
        var ka: [Int] = [], kp: [Int] = [], kn: [Int] = []
        guard !pairs.isEmpty else { return .triplets(a: ka, p: kp, n: kn) }
        guard threshold > 0 && threshold < Double.pi / 2 else {
            for (i, j) in pairs {
                for m in others.indices where others[m] != labels[i] && exactAngle(i, j, m) > threshold {
                    ka.append(i); kp.append(j); kn.append(m)
                }
            }
            return .triplets(a: ka, p: kp, n: kn)
        }
        // ‖n − c + ε‖² = ‖n‖² + ‖c‖² − 2 n·c + 2ε(Σn − Σc) + dε² for every pair's centre c and every candidate n, with
        // the products n·c from one GEMM. The test angle > θ is tan(angle) = ‖a − p + ε‖ / (2‖n − c + ε‖) > tan θ;
        // triplets within 0.1 % of the threshold (or with a tiny ‖n − c‖) are decided by the exact angle.
        let pairCount = pairs.count, cols = others.count
        var centres = [Float](repeating: 0, count: pairCount * d)
        var ap = [Double](repeating: 0, count: pairCount), cc = ap, sc = ap
        for (q, (i, j)) in pairs.enumerated() {
            var dist = 0.0, sq = 0.0, sum = 0.0
            for k in 0..<d {
                let u = Double(x[i * d + k]), v = Double(y[j * d + k])
                let t = u - v + epsilon
                dist += t * t
                let c = (u + v) / 2
                centres[q * d + k] = Float(c)
                sq += c * c; sum += c
            }
            ap[q] = dist.squareRoot(); cc[q] = sq; sc[q] = sum
        }
        var yy = [Double](repeating: 0, count: cols), sy = yy
        for m in 0..<cols {
            var sq = 0.0, sum = 0.0
            for k in 0..<d { let w = Double(y[m * d + k]); sq += w * w; sum += w }
            yy[m] = sq; sy[m] = sum
        }
        var cross = [Float](repeating: 0, count: pairCount * cols)
        centres.withUnsafeBufferPointer { pc in
            y.withUnsafeBufferPointer { py in
                cross.withUnsafeMutableBufferPointer { out in
                    BLAS.sgemm(transA: false, transB: true, m: pairCount, n: cols, k: d, a: pc.baseAddress!, lda: d,
                               b: py.baseAddress!, ldb: d, c: out.baseAddress!, ldc: cols)
                }
            }
        }
        let tanThreshold = tan(threshold), dEps2 = Double(d) * epsilon * epsilon
        for (q, (i, j)) in pairs.enumerated() {
            let row = q * cols
            for m in 0..<cols where others[m] != labels[i] {
                let nc2 = yy[m] + cc[q] - 2 * Double(cross[row + m]) + 2 * epsilon * (sy[m] - sc[q]) + dEps2
                let keep: Bool
                if nc2 > 1e-6 * (yy[m] + cc[q]) {
                    let ratio = ap[q] / (2 * nc2.squareRoot())
                    keep = Swift.abs(ratio - tanThreshold) <= 1e-3 * tanThreshold ? exactAngle(i, j, m) > threshold : ratio > tanThreshold
                } else {
                    keep = exactAngle(i, j, m) > threshold
                }
                if keep { ka.append(i); kp.append(j); kn.append(m) }
            }
        }
        return .triplets(a: ka, p: kp, n: kn)
    }
}

import Foundation
import SiameseCore

/// t-distributed stochastic neighbour embedding into two dimensions, following scikit-learn's
/// `sklearn.manifold.TSNE` (van der Maaten & Hinton 2008; Barnes-Hut: van der Maaten 2014).
///
/// - Affinities: `p(j|i) ∝ exp(−β_i·‖x_i − x_j‖²)` with `β_i` found by bisection so that the perplexity
///   `exp(H(P_i))` equals ``perplexity``; `P = (p(j|i) + p(i|j)) / Σ`. Exact: over all pairs. Barnes-Hut: over
///   each point's `⌊3·perplexity⌋ + 1` nearest neighbours.
/// - Embedding similarities: Student-t with one degree of freedom, `q_ij ∝ (1 + ‖y_i − y_j‖²)⁻¹`.
/// - Optimisation of `KL(P‖Q)` by gradient descent with momentum and per-coordinate gains (+0.2 when the update
///   changes sign, ×0.8 otherwise, at least 0.01): the first `min(250, iterations)` iterations with P multiplied
///   by ``earlyExaggeration`` and momentum 0.5, the rest with momentum 0.8; every 50 iterations it stops when the
///   gradient norm is below ``minGradientNorm`` or the error has not improved for ``iterationsWithoutProgress``
///   iterations (250 in the first stage).
/// - Initialisation: the PCA projection scaled so that its first coordinate has standard deviation 1e-4
///   (scikit-learn's `init="pca"`), or `1e-4·N(0, 1)` from ``seed`` (`init="random"`).
///
/// Results are deterministic: the same input, parameters and seed give the same embedding, whatever the thread count.
///
/// ```swift
/// let map = try TSNE(perplexity: 30).embed(embeddings)   // N rows of 2 values
/// ```
public struct TSNE: Sendable {
    /// How the gradient is computed.
    public enum Method: Sendable, Equatable {
        /// ``exact`` up to ``TSNE/exactLimit`` points, ``barnesHut(theta:)`` with θ = 0.5 beyond.
        case automatic
        /// All N² pairs (scikit-learn's `method="exact"`).
        case exact
        /// Barnes-Hut: attraction over nearest neighbours, repulsion through a quadtree where a cell of width `w` at
        /// distance `d` counts as one point when `w / d < theta` (scikit-learn's `method="barnes_hut"`, `angle`).
        case barnesHut(theta: Double = 0.5)
    }

    /// Where the optimisation starts.
    public enum Initialisation: Sendable, Equatable {
        /// The PCA projection, scaled to standard deviation 1e-4 on its first axis (scikit-learn's default).
        case pca
        /// Normal noise with standard deviation 1e-4 drawn from ``TSNE/seed``.
        case random
    }

    /// The largest point count for which ``Method/automatic`` uses the exact gradient.
    public static let exactLimit = 2000

    /// The effective number of neighbours (default 30); must be below the number of points.
    public var perplexity: Double = 30
    /// Total gradient-descent iterations including the early-exaggeration stage (default 1000, scikit-learn's `max_iter`).
    public var iterations: Int = 1000
    /// The step size; `nil` (default) is scikit-learn's `"auto"`: `max(N / earlyExaggeration / 4, 50)`.
    public var learningRate: Double?
    /// The factor on P during the first 250 iterations (default 12).
    public var earlyExaggeration: Double = 12
    /// The seed of the random initialisation (the PCA one does not draw).
    public var seed: UInt64 = 0
    /// The gradient method (default ``Method/automatic``).
    public var method: Method = .automatic
    /// The starting positions (default ``Initialisation/pca``).
    public var initialisation: Initialisation = .pca
    /// Stop when the gradient norm falls below this (default 1e-7).
    public var minGradientNorm: Double = 1e-7
    /// Stop when the error has not improved for this many iterations (default 300), checked every 50.
    public var iterationsWithoutProgress: Int = 300

    public init(perplexity: Double = 30, iterations: Int = 1000, seed: UInt64 = 0, method: Method = .automatic) {
        self.perplexity = perplexity
        self.iterations = iterations
        self.seed = seed
        self.method = method
    }

    /// The method ``embed(_:)`` uses for `count` points.
    public func resolvedMethod(count: Int) -> Method {
        if case .automatic = method { return count <= Self.exactLimit ? .exact : .barnesHut(theta: 0.5) }
        return method
    }

    /// Embeds `points` (N rows of D values) in the plane: N rows of 2 values.
    ///
    /// - Throws: ``ProjectionError`` for empty, ragged or non-finite input, a perplexity not below N, or a
    ///   parameter out of range.
    public func embed(_ points: [[Float]]) throws -> [[Float]] {
        let x = try PointMatrix(points)
        try validate(count: x.count)
        let n = x.count
        if n == 1 { return [[0, 0]] }
        let exaggeration = earlyExaggeration
        let rate = learningRate ?? max(Double(n) / exaggeration / 4, 50)
        var y = initialPositions(x)
        let objective: (_ positions: [Double], _ factor: Double, _ withError: Bool, _ gradient: inout [Double]) -> Double
        switch resolvedMethod(count: n) {
        case .barnesHut(let theta):
            let k = min(n - 1, Int(3 * perplexity + 1))
            let p = TSNEAffinities.sparse(x, neighbours: k, perplexity: perplexity)
            objective = { TSNEGradient.barnesHut(positions: $0, affinities: p, count: n, exaggeration: $1, theta: theta,
                                                 withError: $2, gradient: &$3) }
        default:
            let p = TSNEAffinities.dense(x, perplexity: perplexity)
            objective = { TSNEGradient.exact(positions: $0, affinities: p, count: n, exaggeration: $1,
                                             withError: $2, gradient: &$3) }
        }
        let explore = min(250, iterations)
        var last = descend(&y, from: 0, to: explore, momentum: 0.5, rate: rate, patience: 250) {
            objective($0, exaggeration, $1, &$2)
        }
        if last + 1 < iterations {
            last = descend(&y, from: last + 1, to: iterations, momentum: 0.8, rate: rate,
                           patience: iterationsWithoutProgress) { objective($0, 1, $1, &$2) }
        }
        return (0..<n).map { [Float(y[2 * $0]), Float(y[2 * $0 + 1])] }
    }

    func validate(count n: Int) throws {
        func invalid(_ name: String, _ value: Any, _ rule: String) -> ProjectionError {
            .invalidParameter(name: name, value: "\(value)", rule: rule)
        }
        guard perplexity.isFinite, perplexity > 0 else { throw invalid("perplexity", perplexity, "it must be positive") }
        guard iterations >= 1 else { throw invalid("iterations", iterations, "it must be at least 1") }
        guard earlyExaggeration.isFinite, earlyExaggeration >= 1 else {
            throw invalid("earlyExaggeration", earlyExaggeration, "it must be at least 1")
        }
        if let learningRate, !(learningRate.isFinite && learningRate > 0) {
            throw invalid("learningRate", learningRate, "it must be positive")
        }
        guard minGradientNorm >= 0 else { throw invalid("minGradientNorm", minGradientNorm, "it must not be negative") }
        guard iterationsWithoutProgress >= 1 else {
            throw invalid("iterationsWithoutProgress", iterationsWithoutProgress, "it must be at least 1")
        }
        if case .barnesHut(let theta) = method, !(theta.isFinite && theta >= 0) {
            throw invalid("theta", theta, "it must be a non-negative number")
        }
        guard perplexity < Double(n) else { throw ProjectionError.tooFewPoints(count: n, perplexity: perplexity) }
    }

    /// Starting positions: x, y pairs.
    func initialPositions(_ x: PointMatrix) -> [Double] {
        let n = x.count
        if initialisation == .pca {
            var y = x.dimensions >= 2 ? PCA.project(x, dimensions: 2).values
                : (0..<n).flatMap { [PCA.project(x, dimensions: 1).values[$0], 0] }
            var mean = 0.0, variance = 0.0
            for i in 0..<n { mean += y[2 * i] }
            mean /= Double(n)
            for i in 0..<n { variance += (y[2 * i] - mean) * (y[2 * i] - mean) }
            let std = (variance / Double(n)).squareRoot()
            if std > 0 {
                for k in 0..<y.count { y[k] = y[k] / std * 1e-4 }
                return y
            }
        }
        var generator = SeededGenerator(seed: seed)
        return (0..<(2 * n)).map { _ in 1e-4 * Double(generator.nextNormal()) }
    }

    /// One stage of gradient descent with momentum and gains, over iterations `start..<end`; returns the last one.
    /// `objective` writes the gradient at the given positions and returns the error when asked (every 50th).
    private func descend(_ y: inout [Double], from start: Int, to end: Int, momentum: Double, rate: Double,
                         patience: Int,
                         objective: (_ positions: [Double], _ withError: Bool, _ gradient: inout [Double]) -> Double)
        -> Int {
        var update = [Double](repeating: 0, count: y.count)
        var gains = [Double](repeating: 1, count: y.count)
        var g = [Double](repeating: 0, count: y.count)
        var bestError = Double.greatestFiniteMagnitude, bestIteration = start
        var i = start
        while i < end {
            let check = (i + 1) % 50 == 0
            // The error is that of the positions the gradient is taken at, as in scikit-learn.
            let error = objective(y, check, &g)
            var normSquared = 0.0
            for k in 0..<y.count {
                if update[k] * g[k] < 0 { gains[k] += 0.2 } else { gains[k] = max(gains[k] * 0.8, 0.01) }
                g[k] *= gains[k]
                normSquared += g[k] * g[k]
                update[k] = momentum * update[k] - rate * g[k]
                y[k] += update[k]
            }
            if check {
                if error < bestError {
                    bestError = error
                    bestIteration = i
                } else if i - bestIteration > patience {
                    return i
                }
                if normSquared.squareRoot() <= minGradientNorm { return i }
            }
            i += 1
        }
        return end - 1
    }
}

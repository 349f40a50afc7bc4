import SiameseCore
import SiameseNN

/// The full-context embeddings of matching networks (Vinyals et al. 2016, appendix A): each support embedding is
/// re-read in the context of the whole support set by a bidirectional LSTM, and each query embedding attends to the
/// support set for `steps` rounds of an attention LSTM.
///
/// Support: `g(xᵢ, S) = h→ᵢ + h←ᵢ + g′(xᵢ)`, the bidirectional LSTM (hidden size d per direction) running over the
/// support items in episode order.
///
/// Query, for k = 1…K, starting from `h₀ = r₀ = 0`, `c₀ = 0`:
/// `ĥₖ, cₖ = LSTM(f′(x), h = hₖ₋₁ + rₖ₋₁, cₖ₋₁)`, `hₖ = ĥₖ + f′(x)`,
/// `rₖ = Σᵢ softmax_i(hₖᵀ g(xᵢ, S)) g(xᵢ, S)`; the result is `h_K`.
/// The paper concatenates `[hₖ₋₁, rₖ₋₁]` as the LSTM's state; here they are added, which keeps the state at size d
/// (as several public re-implementations do).
///
/// ```swift
/// let fce = FullContextEmbedding(size: 64, steps: 5)
/// let g = fce.embedSupport(support)              // [s, 64]
/// let f = fce.embedQuery(query, support: g)      // [q, 64]
/// ```
public final class FullContextEmbedding: Module {
    /// Reads the support set in both directions.
    public let supportReader: LSTM
    /// The attention LSTM of the queries.
    public let queryReader: LSTM
    /// Rounds of attention K (default 5).
    public let steps: Int
    public let size: Int

    /// - Parameters:
    ///   - size: the embedding size d (input and hidden size of both LSTMs).
    ///   - steps: rounds K of the query's attention LSTM.
    public init(size: Int, steps: Int = 5) {
        precondition(size >= 1 && steps >= 1, "FullContextEmbedding: size and steps must be positive")
        supportReader = LSTM(inputSize: size, hiddenSize: size, bidirectional: true)
        queryReader = LSTM(inputSize: size, hiddenSize: size)
        self.steps = steps
        self.size = size
        super.init()
    }

    /// `g(xᵢ, S)` for support embeddings `[s, d]`, in their given order.
    public func embedSupport(_ support: Tensor) -> Tensor {
        precondition(support.rank == 2 && support.shape[1] == size, "FullContextEmbedding: support must be [s, \(size)], got \(support.shape)")
        let s = support.shape[0]
        let (out, _, _) = supportReader(support.reshaped([1, s, size]))
        let halves = out.reshaped([s, 2 * size]).split(sizes: [size, size], axis: 1)
        return support + halves[0] + halves[1]
    }

    /// `f(x, S)` for query embeddings `[q, d]` against context-embedded support `[s, d]` (from ``embedSupport(_:)``).
    public func embedQuery(_ query: Tensor, support g: Tensor) -> Tensor {
        precondition(query.rank == 2 && query.shape[1] == size && g.rank == 2 && g.shape[1] == size,
                     "FullContextEmbedding: query \(query.shape) and support \(g.shape) must be [n, \(size)]")
        let q = query.shape[0]
        let input = query.reshaped([q, 1, size])
        var h = Tensor.zeros([q, size]), c = Tensor.zeros([1, q, size]), r = Tensor.zeros([q, size])
        let gT = g.transposed()
        for _ in 0..<steps {
            let (_, hNext, cNext) = queryReader(input, initialState: (h: (h + r).reshaped([1, q, size]), c: c))
            h = hNext.reshaped([q, size]) + query
            c = cNext
            r = matmul(matmul(h, gT).softmax(axis: 1), g)
        }
        return h
    }
}

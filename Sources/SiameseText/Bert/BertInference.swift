import CSiameseKernels
import Foundation
import SiameseCore

/// Fast inference for a ``BertModel``: the sequences of a batch are packed one after another (no padding), every
/// linear layer is one BLAS GEMM over all packed tokens (query, key and value fused into one), and attention runs
/// per sequence and head on that sequence's own tokens only, so a text's result does not depend on what else is in
/// the batch and no work is spent on padding. Produces the same token embeddings as the padded, masked
/// ``BertModel/callAsFunction(_:mask:)`` (and `transformers`' `BertModel`).
///
/// On CPUs with AVX-512 the linear layers skip the BLAS: their weights are packed once, when the snapshot is made,
/// into panels the kernel streams (`sk_packed_linear`), the feed-forward GELU is fused into the up-projection, and
/// each output is one multiply-add chain in a fixed order (a row's result does not depend on the other rows).
///
/// A snapshot: it copies the weights when made; make a new one after changing them.
public final class BertInference: @unchecked Sendable {
    public let configuration: BertConfiguration
    let word: [Float], position: [Float], tokenType0: [Float]
    let embeddingGamma: [Float], embeddingBeta: [Float]
    struct Layer {
        var qkv: [Float], qkvBias: [Float]          // [3H, H], [3H]
        var out: [Float], outBias: [Float]          // [H, H]
        var norm1: ([Float], [Float])
        var up: [Float], upBias: [Float]            // [I, H]
        var down: [Float], downBias: [Float]        // [H, I]
        var norm2: ([Float], [Float])
        /// The same four weights packed for `sk_packed_linear` (empty without a packed kernel).
        var packedQKV: [Float] = [], packedOut: [Float] = [], packedUp: [Float] = [], packedDown: [Float] = []
    }
    let layers: [Layer]
    /// The vector level of the packed kernels (0: BLAS path).
    let level: Int32

    public init(_ model: BertModel) {
        configuration = model.configuration
        let e = model.embeddings
        word = e.word.weight.value.scalars
        position = e.position.weight.value.scalars
        tokenType0 = Array(e.tokenType.weight.value.scalars.prefix(model.configuration.hiddenSize))
        embeddingGamma = e.norm.weight!.value.scalars; embeddingBeta = e.norm.bias!.value.scalars
        var built = model.layers.map { l in
            Layer(qkv: l.query.weight.value.scalars + l.key.weight.value.scalars + l.value.weight.value.scalars,
                  qkvBias: l.query.bias!.value.scalars + l.key.bias!.value.scalars + l.value.bias!.value.scalars,
                  out: l.attentionOutput.weight.value.scalars, outBias: l.attentionOutput.bias!.value.scalars,
                  norm1: (l.attentionNorm.weight!.value.scalars, l.attentionNorm.bias!.value.scalars),
                  up: l.intermediate.weight.value.scalars, upBias: l.intermediate.bias!.value.scalars,
                  down: l.output.weight.value.scalars, downBias: l.output.bias!.value.scalars,
                  norm2: (l.outputNorm.weight!.value.scalars, l.outputNorm.bias!.value.scalars))
        }
        level = Self.packedLevel
        if level >= 2 {
            let (h, inner) = (configuration.hiddenSize, configuration.intermediateSize)
            built = built.map { l in
                var l = l
                l.packedQKV = Self.pack(l.qkv, n: 3 * h, k: h); l.packedOut = Self.pack(l.out, n: h, k: h)
                l.packedUp = Self.pack(l.up, n: inner, k: h); l.packedDown = Self.pack(l.down, n: h, k: inner)
                return l
            }
        }
        layers = built
    }

    /// The packed kernels' vector level on this CPU (`SIAMESEKIT_TEXT_BLAS=1` forces the BLAS path, to compare).
    static let packedLevel: Int32 = {
        if let v = getenv("SIAMESEKIT_TEXT_BLAS"), String(cString: v) == "1" { return 0 }
        return sk_simd_level()
    }()

    static func pack(_ weight: [Float], n: Int, k: Int) -> [Float] {
        var packed = [Float](repeating: 0, count: sk_packed_weight_count(Int32(n), Int32(k)))
        weight.withUnsafeBufferPointer { w in
            packed.withUnsafeMutableBufferPointer { sk_pack_linear_weight(w.baseAddress!, Int32(n), Int32(k), $0.baseAddress!) }
        }
        return packed
    }

    /// `out[rows × n] = input · Wᵀ + bias` (then GELU when `gelu`) with the packed kernel, the panels split over
    /// `Threading.threadCount` threads.
    func packedLinear(_ input: [Float], rows: Int, k: Int, _ packed: [Float], _ bias: [Float], n: Int, gelu: Bool,
                      into out: inout [Float]) {
        let panels = (n + 31) / 32
        let threads = Swift.max(1, Swift.min(Threading.threadCount, panels, rows * n * k >= 1 << 16 ? panels : 1))
        let level = level
        input.withUnsafeBufferPointer { ip in
            packed.withUnsafeBufferPointer { wp in
                bias.withUnsafeBufferPointer { bp in
                    out.withUnsafeMutableBufferPointer { op in
                        let (x, w, b, y) = (UncheckedPointer(ip.baseAddress!), UncheckedPointer(wp.baseAddress!),
                                            UncheckedPointer(bp.baseAddress!), UncheckedMutablePointer(op.baseAddress!))
                        let run: @Sendable (Int) -> Void = { t in
                            _ = sk_packed_linear(level, x.pointer, rows, Int32(k), w.pointer, b.pointer, Int32(n), y.pointer,
                                                 Int32(panels * t / threads), Int32(panels * (t + 1) / threads), gelu ? 1 : 0)
                        }
                        if threads == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: run) }
                    }
                }
            }
        }
    }

    /// Token embeddings of each sequence of ids (each with `[CLS]`/`[SEP]`), packed: row `offsets[s] + j` of the
    /// returned `[totalTokens × hidden]` buffer is token `j` of sequence `s`.
    public func tokenEmbeddings(_ sequences: [[Int]]) -> (values: [Float], offsets: [Int]) {
        let c = configuration
        let h = c.hiddenSize, inner = c.intermediateSize, heads = c.headCount, d = c.headSize
        var starts: [Int] = [], total = 0
        for s in sequences {
            precondition(s.count <= c.maxPositions, "BertInference: \(s.count) tokens exceed max_position_embeddings \(c.maxPositions)")
            starts.append(total); total += s.count
        }
        let offsets = starts
        var x = [Float](repeating: 0, count: total * h)
        // Embeddings.
        x.withUnsafeMutableBufferPointer { xp in
            for (s, ids) in sequences.enumerated() {
                for (j, id) in ids.enumerated() {
                    let row = xp.baseAddress! + (offsets[s] + j) * h
                    let wid = (0..<c.vocabularySize).contains(id) ? id : 0
                    for k in 0..<h { row[k] = word[wid * h + k] + position[j * h + k] + tokenType0[k] }
                    Self.layerNorm(row, h, embeddingGamma, embeddingBeta, c.layerNormEpsilon)
                }
            }
        }
        if total == 0 { return (x, offsets) }
        var qkv = [Float](repeating: 0, count: total * 3 * h)
        var context = [Float](repeating: 0, count: total * h)
        var projected = [Float](repeating: 0, count: total * h)
        var hidden = [Float](repeating: 0, count: total * inner)
        let scale = 1 / Float(d).squareRoot()
        let maxLength = sequences.map(\.count).max() ?? 0
        let packed = level >= 2
        for layer in layers {
            if packed {
                packedLinear(x, rows: total, k: h, layer.packedQKV, layer.qkvBias, n: 3 * h, gelu: false, into: &qkv)
            } else {
                Self.linear(x, rows: total, inFeatures: h, layer.qkv, layer.qkvBias, outFeatures: 3 * h, into: &qkv)
            }
            // Attention, one task per (sequence, head).
            qkv.withUnsafeBufferPointer { qp in
                context.withUnsafeMutableBufferPointer { cp in
                    let q = UncheckedPointer(qp.baseAddress!), ctx = UncheckedMutablePointer(cp.baseAddress!)
                    let tasks = sequences.count * heads
                    Parallel.forEach(tasks, scratch: maxLength * maxLength) { task, scores in
                        let (s, head) = (task / heads, task % heads)
                        let l = sequences[s].count
                        guard l > 0 else { return }
                        let base = q.pointer + offsets[s] * 3 * h + head * d
                        BLAS.sgemm(transA: false, transB: true, m: l, n: l, k: d, alpha: scale, a: base, lda: 3 * h,
                                   b: base + h, ldb: 3 * h, c: scores, ldc: l)
                        for i in 0..<l { Self.softmax(scores + i * l, l) }
                        BLAS.sgemm(transA: false, transB: false, m: l, n: d, k: l, a: scores, lda: l,
                                   b: base + 2 * h, ldb: 3 * h, c: ctx.pointer + offsets[s] * h + head * d, ldc: h)
                    }
                }
            }
            if packed {
                packedLinear(context, rows: total, k: h, layer.packedOut, layer.outBias, n: h, gelu: false, into: &projected)
                Self.addAndNorm(&x, projected, rows: total, h, layer.norm1, c.layerNormEpsilon)
                packedLinear(x, rows: total, k: h, layer.packedUp, layer.upBias, n: inner, gelu: true, into: &hidden)
                packedLinear(hidden, rows: total, k: inner, layer.packedDown, layer.downBias, n: h, gelu: false, into: &projected)
                Self.addAndNorm(&x, projected, rows: total, h, layer.norm2, c.layerNormEpsilon)
                continue
            }
            Self.linear(context, rows: total, inFeatures: h, layer.out, layer.outBias, outFeatures: h, into: &projected)
            Self.addAndNorm(&x, projected, rows: total, h, layer.norm1, c.layerNormEpsilon)
            Self.linear(x, rows: total, inFeatures: h, layer.up, layer.upBias, outFeatures: inner, into: &hidden)
            hidden.withUnsafeMutableBufferPointer { hp in
                let p = UncheckedMutablePointer(hp.baseAddress!)
                Parallel.forEach(total, scratch: 0) { row, _ in
                    let r = p.pointer + row * inner
                    for k in 0..<inner { let v = r[k]; r[k] = 0.5 * v * (1 + erff(v * 0.70710678118654752)) }
                }
            }
            Self.linear(hidden, rows: total, inFeatures: inner, layer.down, layer.downBias, outFeatures: h, into: &projected)
            Self.addAndNorm(&x, projected, rows: total, h, layer.norm2, c.layerNormEpsilon)
        }
        return (x, offsets)
    }

    /// `out[rows × outFeatures] = input · Wᵀ + bias` with `W` `[outFeatures × inFeatures]`.
    static func linear(_ input: [Float], rows: Int, inFeatures: Int, _ weight: [Float], _ bias: [Float], outFeatures: Int,
                       into out: inout [Float]) {
        out.withUnsafeMutableBufferPointer { op in
            let o = op.baseAddress!
            for r in 0..<rows { (o + r * outFeatures).update(from: bias, count: outFeatures) }
            input.withUnsafeBufferPointer { ip in
                weight.withUnsafeBufferPointer { wp in
                    BLAS.sgemm(transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures,
                               a: ip.baseAddress!, lda: inFeatures, b: wp.baseAddress!, ldb: inFeatures, beta: 1, c: o, ldc: outFeatures)
                }
            }
        }
    }

    /// `x = LayerNorm(x + y)` row by row.
    static func addAndNorm(_ x: inout [Float], _ y: [Float], rows: Int, _ h: Int, _ norm: ([Float], [Float]), _ eps: Float) {
        x.withUnsafeMutableBufferPointer { xp in
            for r in 0..<rows {
                let row = xp.baseAddress! + r * h
                for k in 0..<h { row[k] += y[r * h + k] }
                layerNorm(row, h, norm.0, norm.1, eps)
            }
        }
    }

    /// PyTorch's LayerNorm of one row: biased variance, `(x - mean) / sqrt(var + eps) · gamma + beta`.
    @inline(__always)
    static func layerNorm(_ row: UnsafeMutablePointer<Float>, _ h: Int, _ gamma: [Float], _ beta: [Float], _ eps: Float) {
        var mean: Float = 0
        for k in 0..<h { mean += row[k] }
        mean /= Float(h)
        var variance: Float = 0
        for k in 0..<h { let t = row[k] - mean; variance += t * t }
        variance /= Float(h)
        let inv = 1 / (variance + eps).squareRoot()
        for k in 0..<h { row[k] = (row[k] - mean) * inv * gamma[k] + beta[k] }
    }

    @inline(__always)
    static func softmax(_ row: UnsafeMutablePointer<Float>, _ n: Int) {
        var m = -Float.infinity
        for i in 0..<n { m = Swift.max(m, row[i]) }
        var sum: Float = 0
        for i in 0..<n { let e = expf(row[i] - m); row[i] = e; sum += e }
        let inv = 1 / sum
        for i in 0..<n { row[i] *= inv }
    }
}

/// Raw pointers handed to parallel tasks that touch disjoint parts of them.
struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    init(_ p: UnsafePointer<Float>) { pointer = p }
}

struct UncheckedMutablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ p: UnsafeMutablePointer<Float>) { pointer = p }
}

/// Runs `count` independent tasks over `Threading.threadCount` threads, each thread with its own scratch buffer.
enum Parallel {
    static func forEach(_ count: Int, scratch: Int, _ body: @Sendable (Int, UnsafeMutablePointer<Float>) -> Void) {
        let threads = Swift.max(1, Swift.min(Threading.threadCount, count))
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, scratch))
            defer { buffer.deallocate() }
            var i = t
            while i < count { body(i, buffer); i += threads }
        }
    }
}

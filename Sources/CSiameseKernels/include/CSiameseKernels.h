#ifndef CSIAMESEKERNELS_H
#define CSIAMESEKERNELS_H

// Direct (im2col-free) convolution kernels for stride-1, dilation-1, ungrouped 2-D convolutions, in wide vector
// instructions chosen at run time. Swift library targets compile for baseline x86-64 (no per-target -mavx2 flags,
// which SwiftPM dependencies may not carry), so these few hot loops live in C with per-function target attributes.
//
// Layout: NCHW, float32, contiguous. Every function works on a range of images or output channels, so the caller
// splits the work over its own threads.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The vector level these kernels use on this CPU: 0 = none (callers use their portable path),
/// 1 = AVX2 + FMA, 2 = AVX-512F.
int sk_simd_level(void);

/// A spin-wait hint to the CPU (x86 `pause`; nothing elsewhere).
static inline void sk_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/// Floats of scratch that `sk_conv_forward` needs per call.
long sk_conv_forward_scratch(int cin, int h, int w, int cout, int kh, int kw, int ph, int pw);

/// y[n, co] = bias[co] + Σ_ci w[co, ci] ⋆ pad(x[n, ci]) for images n in [0, images) (the "valid" correlation).
/// x: [images, cin, h, w]; w: [cout, cin, kh, kw]; bias: [cout] or NULL;
/// y: [images, cout, h + 2ph − kh + 1, w + 2pw − kw + 1]. `level` is 1 or 2 (from sk_simd_level).
void sk_conv_forward(int level, const float *x, long images, int cin, int h, int w,
                     const float *weight, const float *bias, int cout, int kh, int kw, int ph, int pw, float *y,
                     float *scratch);

/// Floats of scratch that `sk_conv_backward_input` needs per call.
long sk_conv_backward_input_scratch(int cin, int h, int w, int cout, int kh, int kw, int ph, int pw);

/// dx[n, ci] = Σ_co Σ_taps w[co, ci, ky, kx] · dy[n, co] shifted by (ky, kx), cropped by the padding: the input
/// gradient of `sk_conv_forward`, scattered tap by tap from dy (so no work is spent on a zero border).
/// dy: [images, cout, outH, outW]; weight: [cout, cin, kh, kw]; dx: [images, cin, h, w] (overwritten).
void sk_conv_backward_input(int level, const float *dy, long images, int cin, int h, int w, const float *weight,
                            int cout, int kh, int kw, int ph, int pw, float *dx, float *scratch);

/// dw[co, ci, ky, kx] = Σ_n Σ_(y, x) dy[n, co, y, x] · pad(x)[n, ci, y + ky, x + kx] for co in [coBegin, coEnd),
/// all ci; overwrites those rows of dw, and, when db is not NULL, db[co] = Σ dy[n, co] for the same channels.
/// x: [images, cin, h, w]; dy: [images, cout, outH, outW].
void sk_conv_weight_grad(int level, const float *x, const float *dy, long images, int cin, int h, int w,
                         int cout, int kh, int kw, int ph, int pw, int coBegin, int coEnd, float *dw, float *db);

/// The same forward as `sk_conv_forward`, "banded": the im2col columns of a few output rows (and, for many input
/// channels, of a group of channels) at a time are built in L1 and multiplied there, with vector lanes over dense
/// output positions, so no lane is spent past a row's end as in the wide kernels; later groups of input channels
/// add to the output.
/// Allocates its own scratch; aborts only if that allocation fails.
void sk_banded_conv_forward(int level, const float *x, long images, int cin, int h, int w, const float *weight,
                            const float *bias, int cout, int kh, int kw, int ph, int pw, float *y);

/// Share of the vector lanes (`lanes` per vector) that `sk_banded_conv_forward` spends on kept outputs: each band
/// of output rows is computed on whole vectors. 0 where one band's columns would not fit its cache budget.
double sk_banded_conv_forward_lane_use(int lanes, int cin, int h, int w, int kh, int kw, int ph, int pw);

/// Adds the weight and bias gradients of images [0, images), output channels [coBegin, coEnd), into `part`
/// [coEnd − coBegin, K + 1, 16] as vector partial sums (part[c, k] for dw[coBegin + c, k], part[c, K] for the
/// bias); `part` must start zeroed. Reads dy [images, cout, outH, outW] as it is. Callers give each fixed group of
/// images (or each range of channels) its own `part` and reduce them in order, so the result does not depend on
/// the number of threads.
void sk_banded_conv_weight_grad(int level, const float *x, const float *dy, long images, int cin, int h, int w,
                                int cout, int kh, int kw, int ph, int pw, int coBegin, int coEnd, float *part);

/// dw [cout, K] and, when db is not NULL, db [cout] from `groups` consecutive `part` blocks, summed in order.
void sk_banded_conv_weight_grad_reduce(const float *part, long groups, int cout, int K, float *dw, float *db);

/// 2×2, stride-2 max-pool of `planes` planes [h, w] (no padding): y and argmax are [planes, h/2, w/2]; argmax holds
/// each window's winner as a float offset within its plane (a later value wins if greater or NaN). Returns 0 and
/// does nothing when `level` has no kernel for it (only AVX-512 has one).
int sk_maxpool2x2_forward(int level, const float *x, long planes, int h, int w, float *y, float *argmax);

/// Its backward: dx [planes, h, w] gets g at each window's argmax and 0 everywhere else. Returns 0 when not handled.
int sk_maxpool2x2_backward(int level, const float *g, const float *argmax, long planes, int h, int w, float *dx);

/// SHA-256 compression of `blocks` consecutive 64-byte blocks into `state` (FIPS 180-4); padding is the caller's.
void sk_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

/// ‖a − b‖² over n floats (squared Euclidean distance), in the widest vector instructions this CPU has.
float sk_l2sq_f32(const float *a, const float *b, long n);

/// a · b over n floats, in the widest vector instructions this CPU has.
float sk_dot_f32(const float *a, const float *b, long n);

/// Bounded top-k heaps for the exact search: per query row, a max-heap of at most `k` (distance, id) pairs in
/// `keys[row·k …]` and `ids[row·k …]` with `counts[row]` entries; the root is the worst kept (the larger distance,
/// ties the larger id). Smaller distances are better.

/// Offers one candidate to a heap (NaN ranks after everything).
void sk_topk_offer(float d, long id, long k, float *keys, long *ids, long *count);

/// Offers every column of a `rows × cols` score block (row stride `ldc`) to the heaps of its rows, column j
/// having the id `colIDs[j]`. With `colNorms`, the value is the clamped squared L2 distance
/// `max(0, (rowNorms[i] + colNorms[j]) + s)` of a block `s = −2 q·x`; without, the value is `s` itself (the caller
/// passes `−q·x` for similarities). The heaps persist across calls, so a search scans its blocks one by one.
void sk_topk_scan(const float *scores, long rows, long cols, long ldc, const float *rowNorms, const float *colNorms,
                  const long *colIDs, long k, float *keys, long *ids, long *counts);

/// Sorts one heap of `count` entries in place, best first (ascending distance, ties by the smaller id).
void sk_topk_sort(long k, float *keys, long *ids, long count);

/// The distances ‖q − v_r‖² from one query to four vectors (out[0…3]), each bit-identical to `sk_l2sq_f32`; the four
/// reads interleave, so a graph search waits for memory once per four vectors instead of once per vector.
void sk_l2sq_f32_x4(const float *q, const float *v0, const float *v1, const float *v2, const float *v3, long n,
                    float *out);

/// The products q · v_r with four vectors at once, each bit-identical to `sk_dot_f32`.
void sk_dot_f32_x4(const float *q, const float *v0, const float *v1, const float *v2, const float *v3, long n,
                   float *out);

/// A hint to fetch the cache line holding `p` (nothing where the compiler has no prefetch builtin).
static inline void sk_prefetch(const void *p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p, 0, 3);
#endif
}

/// Floats a weight `[n, k]` takes once packed by `sk_pack_linear_weight` (panels of 32 output columns).
long sk_packed_weight_count(int n, int k);

/// Packs a row-major weight `w [n, k]` (a linear layer's `[out, in]`) into panels of 32 output columns, each
/// `[k, 32]` and zero-padded: `packed[(p·k + kk)·32 + j] = w[p·32 + j, kk]`.
void sk_pack_linear_weight(const float *w, int n, int k, float *packed);

/// y[r, c] = bias[c] + Σ_kk x[r, kk] · w[c, kk] for the columns of panels [panelBegin, panelEnd) (c < n), each a
/// fused multiply-add chain over kk in order; then GELU (erf form) on those columns when `gelu` is non-zero.
/// x: [rows, k]; y: [rows, n]. Returns 0 and does nothing when `level` has no kernel (only AVX-512 has one).
int sk_packed_linear(int level, const float *x, long rows, int k, const float *packed, const float *bias, int n,
                     float *y, int panelBegin, int panelEnd, int gelu);

/// One row of a fused softmax cross-entropy (SoftmaxRows.c): the logits ℓ_j = src[j] · scale[j] · rowScale
/// (`scale` may be NULL: 1), ℓ_target replaced by `targetValue` when `target` ≥ 0, then softmax(ℓ) into `dst` (which
/// may be `src`). Returns the log-sum-exp `m + log Σ_j exp(ℓ_j − m)`, `m` the row maximum (0 if not finite).
float sk_softmax_row(int level, const float *src, const float *scale, float rowScale, long n, long target,
                     float targetValue, float *dst);

/// The backward row of a margin softmax loss: with e_j = g · p[j] · scale[j] · rowScale, writes e, adds
/// e_j · src[j] to columnSums[j] and returns Σ_j e_j · src[j].
float sk_margin_softmax_backward_row(int level, const float *p, const float *src, const float *scale, float g,
                                     float rowScale, long n, float *e, float *columnSums);

/// Tile row `i0` (rows i0..<i0+8, `i0` a multiple of 8) of the row-major n×n matrix `m`: copies the strictly lower
/// triangle's tiles onto the upper ones (`m[i, j] = m[j, i]` for `i` in the tile row, `j > i`).
void sk_mirror_lower_tile_row(int level, float *m, long n, long i0);

/// Tile row `i0` of `M ← M + Mᵀ`: for `i` in rows i0..<i0+8 and `j ≥ i`, `m[i, j]` and `m[j, i]` become their sum.
/// Different tile rows touch disjoint entries, so they may run in parallel.
void sk_add_transpose_tile_row(int level, float *m, long n, long i0);

#ifdef __cplusplus
}
#endif

#endif

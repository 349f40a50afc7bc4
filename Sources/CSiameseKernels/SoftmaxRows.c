// Row kernels of the fused softmax cross-entropy losses (SiameseMetricLearning's SoftmaxCrossEntropy and
// MarginSoftmaxCrossEntropy): scaled logits, row maximum, exponentials, sum and normalisation of one row, and the
// backward row of the margin losses, in AVX-512F or AVX2 + FMA chosen at run time (written once, SoftmaxRowKernels.h,
// with the macros of SIMDAVX2.h / SIMDAVX512.h), with a portable fallback.
//
// eˣ is SiameseCore's FastMath.exp in vector form: Cody–Waite range reduction and the same degree-6 polynomial
// (relative error ≤ 2 ulp for normal results; 0 below −87.34, +∞ above 88.72).
#include "CSiameseKernels.h"

#include <math.h>

static inline float exp_portable(float x) {
    const float xc = fminf(fmaxf(x, -87.33654f), 88.72283f);
    const float shifted = xc * 1.442695041f + 12582912.0f;
    const float k = shifted - 12582912.0f;
    const float r = (xc - k * 0.693359375f) - k * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const float er = p * r * r + r + 1;
    union { float f; int32_t i; } bits = {shifted};
    const int32_t ki = bits.i - 0x4B400000, half = ki >> 1;
    union { int32_t i; float f; } s1 = {(half + 127) << 23}, s2 = {(ki - half + 127) << 23};
    float result = er * s1.f * s2.f;
    if (x < -87.33654f) result = 0;
    if (x > 88.72283f) result = INFINITY;
    return x != x ? x : result;
}

static float softmax_row_portable(const float *src, const float *scale, float rowScale, long n, long target,
                                  float targetValue, float *dst) {
    for (long j = 0; j < n; j++) dst[j] = src[j] * (scale ? scale[j] : 1.0f) * rowScale;
    if (target >= 0) dst[target] = targetValue;
    float m = -INFINITY;
    for (long j = 0; j < n; j++) m = dst[j] > m ? dst[j] : m;
    if (!isfinite(m)) m = 0;
    float sum = 0;
    for (long j = 0; j < n; j++) { dst[j] = exp_portable(dst[j] - m); sum += dst[j]; }
    const float inverse = 1 / sum;
    for (long j = 0; j < n; j++) dst[j] *= inverse;
    return m + logf(sum);
}

static float margin_backward_row_portable(const float *p, const float *src, const float *scale, float g, float rowScale,
                                          long n, float *e, float *columnSums) {
    float total = 0;
    for (long j = 0; j < n; j++) {
        const float ej = g * p[j] * (scale[j] * rowScale), hl = ej * src[j];
        e[j] = ej;
        columnSums[j] += hl;
        total += hl;
    }
    return total;
}

#if defined(__x86_64__)
#include <immintrin.h>

#include "SIMDAVX2.h"
#include "SoftmaxRowKernels.h"
#include "SIMDUndef.h"

#include "SIMDAVX512.h"
#include "SoftmaxRowKernels.h"
#include "SIMDUndef.h"

// The transposed tiles below are AVX2 only.
#define T256 __attribute__((target("avx2,fma")))
#endif

float sk_softmax_row(int level, const float *src, const float *scale, float rowScale, long n, long target,
                     float targetValue, float *dst) {
#if defined(__x86_64__)
    if (level >= 2) return softmax_row_avx512(src, scale, rowScale, n, target, targetValue, dst);
    if (level == 1) return softmax_row_avx2(src, scale, rowScale, n, target, targetValue, dst);
#endif
    return softmax_row_portable(src, scale, rowScale, n, target, targetValue, dst);
}

float sk_margin_softmax_backward_row(int level, const float *p, const float *src, const float *scale, float g,
                                     float rowScale, long n, float *e, float *columnSums) {
#if defined(__x86_64__)
    if (level >= 2) return margin_backward_row_avx512(p, src, scale, g, rowScale, n, e, columnSums);
    if (level == 1) return margin_backward_row_avx2(p, src, scale, g, rowScale, n, e, columnSums);
#endif
    return margin_backward_row_portable(p, src, scale, g, rowScale, n, e, columnSums);
}

// ---- The symmetric n×n matrices of a batch against itself (SoftmaxCrossEntropy.ofGram): tile row `i0` (rows
// i0..<i0+8) of the upper triangle, in 8×8 tiles transposed in registers (AVX2), the diagonal tile and partial
// tiles element by element.

static void mirror_tile_portable(float *m, long n, long i0, long j0) {
    for (long i = i0; i < i0 + 8 && i < n; i++)
        for (long j = (j0 > i + 1 ? j0 : i + 1); j < j0 + 8 && j < n; j++) m[i * n + j] = m[j * n + i];
}

static void add_transpose_tile_portable(float *m, long n, long i0, long j0) {
    for (long i = i0; i < i0 + 8 && i < n; i++)
        for (long j = (j0 > i ? j0 : i); j < j0 + 8 && j < n; j++) {
            const float s = m[i * n + j] + m[j * n + i];
            m[i * n + j] = s;
            m[j * n + i] = s;
        }
}

#if defined(__x86_64__)
static T256 inline void transpose8_avx2(__m256 r[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0)), s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0)), s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20); r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20); r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31); r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31); r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

static T256 void mirror_tile_row_avx2(float *m, long n, long i0) {
    mirror_tile_portable(m, n, i0, i0);
    long j0 = i0 + 8;
    if (i0 + 8 <= n)
        for (; j0 + 8 <= n; j0 += 8) {
            __m256 r[8];
            for (int q = 0; q < 8; q++) r[q] = _mm256_loadu_ps(m + (j0 + q) * n + i0);
            transpose8_avx2(r);
            for (int q = 0; q < 8; q++) _mm256_storeu_ps(m + (i0 + q) * n + j0, r[q]);
        }
    for (; j0 < n; j0 += 8) mirror_tile_portable(m, n, i0, j0);
}

static T256 void add_transpose_tile_row_avx2(float *m, long n, long i0) {
    add_transpose_tile_portable(m, n, i0, i0);
    long j0 = i0 + 8;
    if (i0 + 8 <= n)
        for (; j0 + 8 <= n; j0 += 8) {
            __m256 a[8], b[8];
            for (int q = 0; q < 8; q++) {
                a[q] = _mm256_loadu_ps(m + (i0 + q) * n + j0);
                b[q] = _mm256_loadu_ps(m + (j0 + q) * n + i0);
            }
            transpose8_avx2(b);
            for (int q = 0; q < 8; q++) {
                a[q] = _mm256_add_ps(a[q], b[q]);
                _mm256_storeu_ps(m + (i0 + q) * n + j0, a[q]);
            }
            transpose8_avx2(a);
            for (int q = 0; q < 8; q++) _mm256_storeu_ps(m + (j0 + q) * n + i0, a[q]);
        }
    for (; j0 < n; j0 += 8) add_transpose_tile_portable(m, n, i0, j0);
}
#endif

void sk_mirror_lower_tile_row(int level, float *m, long n, long i0) {
#if defined(__x86_64__)
    if (level >= 1) { mirror_tile_row_avx2(m, n, i0); return; }
#endif
    for (long j0 = i0; j0 < n; j0 += 8) mirror_tile_portable(m, n, i0, j0);
}

void sk_add_transpose_tile_row(int level, float *m, long n, long i0) {
#if defined(__x86_64__)
    if (level >= 1) { add_transpose_tile_row_avx2(m, n, i0); return; }
#endif
    for (long j0 = i0; j0 < n; j0 += 8) add_transpose_tile_portable(m, n, i0, j0);
}

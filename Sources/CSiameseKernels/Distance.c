// Vector distances for the nearest-neighbour indexes (SiameseIndex): squared L2 and the dot product of two float
// vectors, in AVX-512F or AVX2 + FMA chosen at run time (per-function target attributes, no package-wide flags),
// with a portable fallback. Four independent accumulators hide the FMA latency.
#include "CSiameseKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static float l2sq_avx512(const float *a, const float *b, long n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
    long i = 0;
    for (; i + 64 <= n; i += 64) {
        __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
        __m512 d2 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32));
        __m512 d3 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48));
        s0 = _mm512_fmadd_ps(d0, d0, s0);
        s1 = _mm512_fmadd_ps(d1, d1, s1);
        s2 = _mm512_fmadd_ps(d2, d2, s2);
        s3 = _mm512_fmadd_ps(d3, d3, s3);
    }
    for (; i + 16 <= n; i += 16) {
        __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        s0 = _mm512_fmadd_ps(d, d, s0);
    }
    if (i < n) {
        const __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));
        s1 = _mm512_fmadd_ps(d, d, s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

__attribute__((target("avx512f"))) static float dot_avx512(const float *a, const float *b, long n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
    long i = 0;
    for (; i + 64 <= n; i += 64) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
        s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), s2);
        s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), s3);
    }
    for (; i + 16 <= n; i += 16) s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
    if (i < n) {
        const __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

// Four distances from one query at once, for the graph searches: four independent streams of memory reads keep
// more cache misses in flight than one. Each vector's sums follow exactly the operations of the one-vector kernel
// above (same accumulators, same order), so a batched distance is bit-identical to a single one.
__attribute__((target("avx512f"))) static void l2sq4_avx512(const float *q, const float *const *v, long n, float *out) {
    __m512 s[4][4];
    for (int r = 0; r < 4; r++) for (int a = 0; a < 4; a++) s[r][a] = _mm512_setzero_ps();
    long i = 0;
    for (; i + 64 <= n; i += 64) {
        const __m512 q0 = _mm512_loadu_ps(q + i), q1 = _mm512_loadu_ps(q + i + 16);
        const __m512 q2 = _mm512_loadu_ps(q + i + 32), q3 = _mm512_loadu_ps(q + i + 48);
        for (int r = 0; r < 4; r++) {
            const float *b = v[r] + i;
            const __m512 d0 = _mm512_sub_ps(q0, _mm512_loadu_ps(b)), d1 = _mm512_sub_ps(q1, _mm512_loadu_ps(b + 16));
            const __m512 d2 = _mm512_sub_ps(q2, _mm512_loadu_ps(b + 32)), d3 = _mm512_sub_ps(q3, _mm512_loadu_ps(b + 48));
            s[r][0] = _mm512_fmadd_ps(d0, d0, s[r][0]);
            s[r][1] = _mm512_fmadd_ps(d1, d1, s[r][1]);
            s[r][2] = _mm512_fmadd_ps(d2, d2, s[r][2]);
            s[r][3] = _mm512_fmadd_ps(d3, d3, s[r][3]);
        }
    }
    for (; i + 16 <= n; i += 16) {
        const __m512 qq = _mm512_loadu_ps(q + i);
        for (int r = 0; r < 4; r++) {
            const __m512 d = _mm512_sub_ps(qq, _mm512_loadu_ps(v[r] + i));
            s[r][0] = _mm512_fmadd_ps(d, d, s[r][0]);
        }
    }
    if (i < n) {
        const __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        const __m512 qq = _mm512_maskz_loadu_ps(m, q + i);
        for (int r = 0; r < 4; r++) {
            const __m512 d = _mm512_sub_ps(qq, _mm512_maskz_loadu_ps(m, v[r] + i));
            s[r][1] = _mm512_fmadd_ps(d, d, s[r][1]);
        }
    }
    for (int r = 0; r < 4; r++)
        out[r] = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s[r][0], s[r][1]), _mm512_add_ps(s[r][2], s[r][3])));
}

__attribute__((target("avx512f"))) static void dot4_avx512(const float *q, const float *const *v, long n, float *out) {
    __m512 s[4][4];
    for (int r = 0; r < 4; r++) for (int a = 0; a < 4; a++) s[r][a] = _mm512_setzero_ps();
    long i = 0;
    for (; i + 64 <= n; i += 64) {
        const __m512 q0 = _mm512_loadu_ps(q + i), q1 = _mm512_loadu_ps(q + i + 16);
        const __m512 q2 = _mm512_loadu_ps(q + i + 32), q3 = _mm512_loadu_ps(q + i + 48);
        for (int r = 0; r < 4; r++) {
            const float *b = v[r] + i;
            s[r][0] = _mm512_fmadd_ps(q0, _mm512_loadu_ps(b), s[r][0]);
            s[r][1] = _mm512_fmadd_ps(q1, _mm512_loadu_ps(b + 16), s[r][1]);
            s[r][2] = _mm512_fmadd_ps(q2, _mm512_loadu_ps(b + 32), s[r][2]);
            s[r][3] = _mm512_fmadd_ps(q3, _mm512_loadu_ps(b + 48), s[r][3]);
        }
    }
    for (; i + 16 <= n; i += 16) {
        const __m512 qq = _mm512_loadu_ps(q + i);
        for (int r = 0; r < 4; r++) s[r][0] = _mm512_fmadd_ps(qq, _mm512_loadu_ps(v[r] + i), s[r][0]);
    }
    if (i < n) {
        const __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        const __m512 qq = _mm512_maskz_loadu_ps(m, q + i);
        for (int r = 0; r < 4; r++) s[r][1] = _mm512_fmadd_ps(qq, _mm512_maskz_loadu_ps(m, v[r] + i), s[r][1]);
    }
    for (int r = 0; r < 4; r++)
        out[r] = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s[r][0], s[r][1]), _mm512_add_ps(s[r][2], s[r][3])));
}

__attribute__((target("avx2,fma"))) static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma"))) static float l2sq_avx2(const float *a, const float *b, long n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
        __m256 d2 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));
        __m256 d3 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));
        s0 = _mm256_fmadd_ps(d0, d0, s0);
        s1 = _mm256_fmadd_ps(d1, d1, s1);
        s2 = _mm256_fmadd_ps(d2, d2, s2);
        s3 = _mm256_fmadd_ps(d3, d3, s3);
    }
    for (; i + 8 <= n; i += 8) {
        __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        s0 = _mm256_fmadd_ps(d, d, s0);
    }
    float tail = 0;
    for (; i < n; i++) { const float d = a[i] - b[i]; tail += d * d; }
    return hsum8(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3))) + tail;
}

__attribute__((target("avx2,fma"))) static float dot_avx2(const float *a, const float *b, long n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float tail = 0;
    for (; i < n; i++) tail += a[i] * b[i];
    return hsum8(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3))) + tail;
}
#endif

static float l2sq_portable(const float *a, const float *b, long n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        const float d0 = a[i] - b[i], d1 = a[i + 1] - b[i + 1], d2 = a[i + 2] - b[i + 2], d3 = a[i + 3] - b[i + 3];
        s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
    }
    for (; i < n; i++) { const float d = a[i] - b[i]; s0 += d * d; }
    return (s0 + s1) + (s2 + s3);
}

static float dot_portable(const float *a, const float *b, long n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

float sk_l2sq_f32(const float *a, const float *b, long n) {
#if defined(__x86_64__)
    const int level = sk_simd_level();
    if (level == 2) return l2sq_avx512(a, b, n);
    if (level == 1) return l2sq_avx2(a, b, n);
#endif
    return l2sq_portable(a, b, n);
}

float sk_dot_f32(const float *a, const float *b, long n) {
#if defined(__x86_64__)
    const int level = sk_simd_level();
    if (level == 2) return dot_avx512(a, b, n);
    if (level == 1) return dot_avx2(a, b, n);
#endif
    return dot_portable(a, b, n);
}

void sk_l2sq_f32_x4(const float *q, const float *v0, const float *v1, const float *v2, const float *v3, long n,
                    float *out) {
    const float *v[4] = {v0, v1, v2, v3};
#if defined(__x86_64__)
    if (sk_simd_level() == 2) { l2sq4_avx512(q, v, n, out); return; }
#endif
    for (int r = 0; r < 4; r++) out[r] = sk_l2sq_f32(q, v[r], n);
}

void sk_dot_f32_x4(const float *q, const float *v0, const float *v1, const float *v2, const float *v3, long n,
                   float *out) {
    const float *v[4] = {v0, v1, v2, v3};
#if defined(__x86_64__)
    if (sk_simd_level() == 2) { dot4_avx512(q, v, n, out); return; }
#endif
    for (int r = 0; r < 4; r++) out[r] = sk_dot_f32(q, v[r], n);
}

// Linear layers on weights packed once at load (y = x · Wᵀ + b, optionally followed by GELU), for BERT-style
// inference where the rows (tokens of a batch) are few: a BLAS packs the weight matrix again on every call, which
// for a handful of rows costs as much as the product itself. Every output element is one fused multiply-add chain
// over k in the same order, whatever the number of rows or their position, so a row's result does not depend on
// the other rows.

#include "CSiameseKernels.h"

#include <string.h>

#define SK_PANEL 32

long sk_packed_weight_count(int n, int k) { return (long)((n + SK_PANEL - 1) / SK_PANEL) * SK_PANEL * k; }

void sk_pack_linear_weight(const float *w, int n, int k, float *packed) {
    const int panels = (n + SK_PANEL - 1) / SK_PANEL;
    for (int p = 0; p < panels; p++)
        for (int kk = 0; kk < k; kk++)
            for (int j = 0; j < SK_PANEL; j++) {
                const int col = p * SK_PANEL + j;
                packed[((long)p * k + kk) * SK_PANEL + j] = col < n ? w[(long)col * k + kk] : 0.0f;
            }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define SK_AVX512 __attribute__((target("avx512f")))

// One tile: MR rows × one panel of 32 columns (two 16-lane accumulators a row), `cols` of them stored.
static inline __attribute__((always_inline)) SK_AVX512 void tile_avx512(const int MR, const float *x, long ldx, int k,
                                                                         const float *wp, const float *bias,
                                                                         float *y, long ldy, int cols) {
    __m512 acc[6][2];
    for (int r = 0; r < MR; r++) { acc[r][0] = _mm512_setzero_ps(); acc[r][1] = _mm512_setzero_ps(); }
    for (int kk = 0; kk < k; kk++) {
        const __m512 w0 = _mm512_loadu_ps(wp + (long)kk * SK_PANEL), w1 = _mm512_loadu_ps(wp + (long)kk * SK_PANEL + 16);
        for (int r = 0; r < MR; r++) {
            const __m512 a = _mm512_set1_ps(x[r * ldx + kk]);
            acc[r][0] = _mm512_fmadd_ps(a, w0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(a, w1, acc[r][1]);
        }
    }
    const __mmask16 m0 = (__mmask16)(cols >= 16 ? 0xFFFF : (1u << cols) - 1u);
    const __mmask16 m1 = (__mmask16)(cols >= 32 ? 0xFFFF : cols <= 16 ? 0 : (1u << (cols - 16)) - 1u);
    const __m512 b0 = _mm512_maskz_loadu_ps(m0, bias), b1 = _mm512_maskz_loadu_ps(m1, bias + 16);
    for (int r = 0; r < MR; r++) {
        _mm512_mask_storeu_ps(y + r * ldy, m0, _mm512_add_ps(acc[r][0], b0));
        _mm512_mask_storeu_ps(y + r * ldy + 16, m1, _mm512_add_ps(acc[r][1], b1));
    }
}

static SK_AVX512 void linear_avx512(const float *x, long rows, int k, const float *packed, const float *bias, int n,
                                    float *y, int panelBegin, int panelEnd) {
    const long chunk = 96;  // rows whose inputs stay in cache while every panel of the range passes over them
    for (long r0 = 0; r0 < rows; r0 += chunk) {
        const long r1 = r0 + chunk < rows ? r0 + chunk : rows;
        for (int p = panelBegin; p < panelEnd; p++) {
            const float *wp = packed + (long)p * k * SK_PANEL;
            const int c0 = p * SK_PANEL, cols = n - c0 < SK_PANEL ? n - c0 : SK_PANEL;
            long r = r0;
            for (; r + 6 <= r1; r += 6) tile_avx512(6, x + r * k, k, k, wp, bias + c0, y + r * n + c0, n, cols);
            switch (r1 - r) {
            case 5: tile_avx512(5, x + r * k, k, k, wp, bias + c0, y + r * n + c0, n, cols); break;
            case 4: tile_avx512(4, x + r * k, k, k, wp, bias + c0, y + r * n + c0, n, cols); break;
            case 3: tile_avx512(3, x + r * k, k, k, wp, bias + c0, y + r * n + c0, n, cols); break;
            case 2: tile_avx512(2, x + r * k, k, k, wp, bias + c0, y + r * n + c0, n, cols); break;
            case 1: tile_avx512(1, x + r * k, k, k, wp, bias + c0, y + r * n + c0, n, cols); break;
            default: break;
            }
        }
    }
}

// GELU with erf from Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7) and a range-reduced exp; plain code the
// compiler vectorises.
static inline float gelu_one(float v) {
    const float z = __builtin_fabsf(v) * 0.70710678118654752f;
    const float t = 1.0f / (1.0f + 0.3275911f * z);
    const float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
    float e = -z * z;
    e = e < -87.0f ? -87.0f : e;
    const float nf = (e * 1.4426950408889634f + 12582912.0f) - 12582912.0f;  // round to nearest
    const float rr = (e - nf * 0.693145751953125f) - nf * 1.428606765330187e-06f;
    const float p = 1.0f + rr * (1.0f + rr * (0.5f + rr * (0.16666667f + rr * (0.041666667f + rr * (0.0083333333f + rr * 0.0013888889f)))));
    const int bits = ((int)nf + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    const float erfAbs = 1.0f - poly * (p * scale);
    const float erf = v < 0 ? -erfAbs : erfAbs;
    return 0.5f * v * (1.0f + erf);
}

static SK_AVX512 void gelu_rows_avx512(float *y, long rows, int n, int c0, int c1) {
    for (long r = 0; r < rows; r++) {
        float *row = y + r * n;
        for (int c = c0; c < c1; c++) row[c] = gelu_one(row[c]);
    }
}
#endif

int sk_packed_linear(int level, const float *x, long rows, int k, const float *packed, const float *bias, int n,
                     float *y, int panelBegin, int panelEnd, int gelu) {
#if defined(__x86_64__)
    if (level >= 2) {
        linear_avx512(x, rows, k, packed, bias, n, y, panelBegin, panelEnd);
        if (gelu) {
            const int c0 = panelBegin * SK_PANEL, c1 = panelEnd * SK_PANEL < n ? panelEnd * SK_PANEL : n;
            gelu_rows_avx512(y, rows, n, c0, c1);
        }
        return 1;
    }
#endif
    (void)x; (void)rows; (void)k; (void)packed; (void)bias; (void)n; (void)y; (void)panelBegin; (void)panelEnd; (void)gelu;
    (void)level;
    return 0;
}

#include "CSiameseKernels.h"

// The 2×2, stride-2 max-pool in AVX-512: sixteen windows per step, even and odd columns separated with one
// permute, the winner chosen with compare masks (no branches: which activation wins is unpredictable).

#if defined(__x86_64__)
#include <immintrin.h>

#define SK_AVX512 __attribute__((target("avx512f")))

static SK_AVX512 inline __mmask16 lanes_below(long n) {
    return (__mmask16)(n >= 16 ? 0xFFFF : (n <= 0 ? 0 : ((1u << n) - 1u)));
}

static SK_AVX512 void maxpool_forward_avx512(const float *x, long planes, int h, int w, float *y, float *argmax) {
    const int outH = h / 2, outW = w / 2;
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const __m512 twice = _mm512_setr_ps(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
    const __m512 below = _mm512_set1_ps((float)w), belowRight = _mm512_set1_ps((float)w + 1.0f);
    for (long p = 0; p < planes; p++) {
        const float *plane = x + p * h * (long)w;
        float *yp = y + p * outH * (long)outW, *ap = argmax + p * outH * (long)outW;
        for (int oh = 0; oh < outH; oh++) {
            const long topOffset = 2L * oh * w;
            const float *top = plane + topOffset, *bottom = top + w;
            for (int ow = 0; ow < outW; ow += 16) {
                const long n = outW - ow < 16 ? outW - ow : 16;
                const __mmask16 m0 = lanes_below(2 * n), m1 = lanes_below(2 * n - 16), m = lanes_below(n);
                const __m512 t0 = _mm512_maskz_loadu_ps(m0, top + 2 * ow), t1 = _mm512_maskz_loadu_ps(m1, top + 2 * ow + 16);
                const __m512 b0 = _mm512_maskz_loadu_ps(m0, bottom + 2 * ow), b1 = _mm512_maskz_loadu_ps(m1, bottom + 2 * ow + 16);
                const __m512 te = _mm512_permutex2var_ps(t0, even, t1), to = _mm512_permutex2var_ps(t0, odd, t1);
                const __m512 be = _mm512_permutex2var_ps(b0, even, b1), bo = _mm512_permutex2var_ps(b0, odd, b1);
                // A later value wins only if greater or NaN (!(later <= best)), in the order of a row-major scan.
                const __mmask16 k01 = _mm512_cmp_ps_mask(to, te, _CMP_NLE_UQ);
                const __m512 v01 = _mm512_mask_blend_ps(k01, te, to), c01 = _mm512_mask_blend_ps(k01, zero, one);
                const __mmask16 k23 = _mm512_cmp_ps_mask(bo, be, _CMP_NLE_UQ);
                const __m512 v23 = _mm512_mask_blend_ps(k23, be, bo), c23 = _mm512_mask_blend_ps(k23, below, belowRight);
                const __mmask16 k = _mm512_cmp_ps_mask(v23, v01, _CMP_NLE_UQ);
                const __m512 best = _mm512_mask_blend_ps(k, v01, v23), code = _mm512_mask_blend_ps(k, c01, c23);
                const __m512 index = _mm512_add_ps(_mm512_add_ps(code, twice), _mm512_set1_ps((float)(topOffset + 2L * ow)));
                _mm512_mask_storeu_ps(yp + (long)oh * outW + ow, m, best);
                _mm512_mask_storeu_ps(ap + (long)oh * outW + ow, m, index);
            }
        }
    }
}

static SK_AVX512 void maxpool_backward_avx512(const float *g, const float *argmax, long planes, int h, int w, float *dx) {
    const int outH = h / 2, outW = w / 2;
    const __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i high = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const __m512 twice = _mm512_setr_ps(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
    const __m512 below = _mm512_set1_ps((float)w), belowRight = _mm512_set1_ps((float)w + 1.0f);
    for (long p = 0; p < planes; p++) {
        const float *gp = g + p * outH * (long)outW, *ap = argmax + p * outH * (long)outW;
        float *plane = dx + p * h * (long)w;
        for (int oh = 0; oh < outH; oh++) {
            const long topOffset = 2L * oh * w;
            float *top = plane + topOffset, *bottom = top + w;
            for (int ow = 0; ow < outW; ow += 16) {
                const long n = outW - ow < 16 ? outW - ow : 16;
                const __mmask16 m0 = lanes_below(2 * n), m1 = lanes_below(2 * n - 16), m = lanes_below(n);
                const __m512 gv = _mm512_maskz_loadu_ps(m, gp + (long)oh * outW + ow);
                const __m512 base = _mm512_add_ps(twice, _mm512_set1_ps((float)(topOffset + 2L * ow)));
                const __m512 code = _mm512_sub_ps(_mm512_maskz_loadu_ps(m, ap + (long)oh * outW + ow), base);
                const __m512 te = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(code, zero, _CMP_EQ_OQ), gv);
                const __m512 to = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(code, one, _CMP_EQ_OQ), gv);
                const __m512 be = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(code, below, _CMP_EQ_OQ), gv);
                const __m512 bo = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(code, belowRight, _CMP_EQ_OQ), gv);
                _mm512_mask_storeu_ps(top + 2 * ow, m0, _mm512_permutex2var_ps(te, low, to));
                _mm512_mask_storeu_ps(top + 2 * ow + 16, m1, _mm512_permutex2var_ps(te, high, to));
                _mm512_mask_storeu_ps(bottom + 2 * ow, m0, _mm512_permutex2var_ps(be, low, bo));
                _mm512_mask_storeu_ps(bottom + 2 * ow + 16, m1, _mm512_permutex2var_ps(be, high, bo));
            }
            if (w > 2 * outW) top[w - 1] = bottom[w - 1] = 0.0f;  // an odd last column is in no window
        }
        if (h > 2 * outH)
            for (int c = 0; c < w; c++) plane[(long)(h - 1) * w + c] = 0.0f;  // nor is an odd last row
    }
}
#endif

int sk_maxpool2x2_forward(int level, const float *x, long planes, int h, int w, float *y, float *argmax) {
#if defined(__x86_64__)
    if (level >= 2) {
        maxpool_forward_avx512(x, planes, h, w, y, argmax);
        return 1;
    }
#endif
    (void)level; (void)x; (void)planes; (void)h; (void)w; (void)y; (void)argmax;
    return 0;
}

int sk_maxpool2x2_backward(int level, const float *g, const float *argmax, long planes, int h, int w, float *dx) {
#if defined(__x86_64__)
    if (level >= 2) {
        maxpool_backward_avx512(g, argmax, planes, h, w, dx);
        return 1;
    }
#endif
    (void)level; (void)g; (void)argmax; (void)planes; (void)h; (void)w; (void)dx;
    return 0;
}

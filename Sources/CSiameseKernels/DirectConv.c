#include "CSiameseKernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

static int detect_level(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    if (!osxsave || !avx || !fma) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    const unsigned long long xcr0 = ((unsigned long long)hi << 32) | lo;
    if ((xcr0 & 0x6) != 0x6) return 0;  // the OS saves the SSE and AVX registers
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1;
    if (!avx2) return 0;
    return avx512f && (xcr0 & 0xE6) == 0xE6 ? 2 : 1;  // … and the AVX-512 mask and upper registers
}

int sk_simd_level(void) {
    static int level = -1;
    if (level < 0) level = detect_level();  // idempotent: a race only computes the same value twice
    return level;
}

#include "SIMDAVX2.h"
#include "PadKernels.h"
#include "DirectConvKernels.h"
#include "SIMDUndef.h"

#include "SIMDAVX512.h"
#include "PadKernels.h"
#include "DirectConvKernels.h"
#include "SIMDUndef.h"

#else
int sk_simd_level(void) { return 0; }
#endif

// ---- Shared set-up (plain C).

static void tap_offsets(int kh, int kw, int Wi, int *off) {
    for (int ky = 0; ky < kh; ky++)
        for (int kx = 0; kx < kw; kx++) off[ky * kw + kx] = ky * Wi + kx;
}

long sk_conv_forward_scratch(int cin, int h, int w, int cout, int kh, int kw, int ph, int pw) {
    const long Hi = h + 2L * ph, Wi = w + 2L * pw;
    const long L = (Hi - kh) * Wi + (Wi - kw + 1);
    return cin * Hi * Wi + cout * (L + 16) + 16;
}

void sk_conv_forward(int level, const float *x, long images, int cin, int h, int w,
                     const float *weight, const float *bias, int cout, int kh, int kw, int ph, int pw, float *y,
                     float *scratch) {
#if defined(__x86_64__)
    const int Hi = h + 2 * ph, Wi = w + 2 * pw;
    const int padded = ph > 0 || pw > 0;
    float *xp = scratch;
    float *wide = scratch + (padded ? (long)cin * Hi * Wi : 0);
    int *off = malloc(sizeof(int) * (size_t)kh * kw);
    if (!off) abort();
    tap_offsets(kh, kw, Wi, off);
    for (long n = 0; n < images; n++) {
        const float *in = x + n * cin * (long)h * w;
        if (padded) {
            if (level >= 2) pad_image_avx512(in, cin, h, w, ph, pw, xp);
            else pad_image_avx2(in, cin, h, w, ph, pw, xp);
            in = xp;
        }
        float *out = y + n * cout * (long)(Hi - kh + 1) * (Wi - kw + 1);
        if (level >= 2) conv_image_avx512(in, cin, Hi, Wi, weight, bias, cout, kh, kw, off, out, wide);
        else conv_image_avx2(in, cin, Hi, Wi, weight, bias, cout, kh, kw, off, out, wide);
    }
    free(off);
#else
    (void)level; (void)x; (void)images; (void)cin; (void)h; (void)w; (void)weight; (void)bias; (void)cout;
    (void)kh; (void)kw; (void)ph; (void)pw; (void)y; (void)scratch;
    abort();
#endif
}

static long wide_length(int h, int w, int kh, int kw, int ph, int pw) {
    const long Hp = h + 2L * ph, Wp = w + 2L * pw;
    const long L = (Hp - kh) * Wp + (Wp - kw + 1);
    return (L + 15) / 16 * 16;  // a multiple of both vector widths
}

static long dx_plane(int h, int w, int kh, int kw, int ph, int pw) {
    const long Hp = h + 2L * ph, Wp = w + 2L * pw;
    const long L = (Hp - kh) * Wp + (Wp - kw + 1);
    const long span = Hp * Wp + wide_length(h, w, kh, kw, ph, pw) - L + 16;
    return (span + 15) / 16 * 16;
}

long sk_conv_backward_input_scratch(int cin, int h, int w, int cout, int kh, int kw, int ph, int pw) {
    return (long)cout * wide_length(h, w, kh, kw, ph, pw) + (long)cin * dx_plane(h, w, kh, kw, ph, pw) + 16;
}

void sk_conv_backward_input(int level, const float *dy, long images, int cin, int h, int w, const float *weight,
                            int cout, int kh, int kw, int ph, int pw, float *dx, float *scratch) {
#if defined(__x86_64__)
    const int Hp = h + 2 * ph, Wp = w + 2 * pw;
    const int outH = Hp - kh + 1, outW = Wp - kw + 1;
    const long Lpad = wide_length(h, w, kh, kw, ph, pw), plane = dx_plane(h, w, kh, kw, ph, pw);
    float *dyw = scratch, *dxp = scratch + (long)cout * Lpad;
    int *off = malloc(sizeof(int) * (size_t)kh * kw);
    if (!off) abort();
    tap_offsets(kh, kw, Wp, off);
    for (long n = 0; n < images; n++) {
        const float *dyn = dy + n * cout * (long)outH * outW;
        float *dxn = dx + n * cin * (long)h * w;
        if (level >= 2) dx_image_avx512(dyn, cout, weight, cin, h, w, kh, kw, ph, pw, off, Lpad, plane, dyw, dxp, dxn);
        else dx_image_avx2(dyn, cout, weight, cin, h, w, kh, kw, ph, pw, off, Lpad, plane, dyw, dxp, dxn);
    }
    free(off);
#else
    (void)level; (void)dy; (void)images; (void)cin; (void)h; (void)w; (void)weight; (void)cout; (void)kh; (void)kw;
    (void)ph; (void)pw; (void)dx; (void)scratch;
    abort();
#endif
}

void sk_conv_weight_grad(int level, const float *x, const float *dy, long images, int cin, int h, int w,
                         int cout, int kh, int kw, int ph, int pw, int coBegin, int coEnd, float *dw, float *db) {
#if defined(__x86_64__)
    const int Hp = h + 2 * ph, Wp = w + 2 * pw;
    const int outH = Hp - kh + 1, outW = Wp - kw + 1;
    const int taps = kh * kw, channels = coEnd - coBegin;
    const long plane = (long)Hp * Wp;
    const long Lpad = wide_length(h, w, kh, kw, ph, pw);
    const int padded = ph > 0 || pw > 0;
    // Images per chunk: one (channel pair, input channel) sweep stays near 24 KB, so it is read from L1/L2.
    long chunk = 6144 / (2 * Lpad + plane);
    if (chunk < 1) chunk = 1;
    if (chunk > images) chunk = images;
    const size_t partCount = (size_t)channels * cin * taps * 16;
    int *off = malloc(sizeof(int) * (size_t)taps);
    float *part = calloc(partCount, sizeof(float));
    float *dyw = malloc(sizeof(float) * (size_t)(chunk * channels * Lpad));
    float *xp = padded ? malloc(sizeof(float) * (size_t)(chunk * cin * plane)) : NULL;
    if (!off || !part || !dyw || (padded && !xp)) abort();
    tap_offsets(kh, kw, Wp, off);
    if (db)
        for (int c = coBegin; c < coEnd; c++) db[c] = 0.0f;
    for (long n0 = 0; n0 < images; n0 += chunk) {
        const long count = images - n0 < chunk ? images - n0 : chunk;
        // This chunk's output gradient on the padded row width (zeros past each row), and its padded input.
        for (long n = 0; n < count; n++) {
            for (int c = 0; c < channels; c++) {
                const float *src = dy + (((n0 + n) * cout + coBegin + c) * (long)outH) * outW;
                float *dst = dyw + (n * channels + c) * Lpad;
                if (level >= 2) widen_rows_avx512(src, outH, outW, Wp, dst, Lpad);
                else widen_rows_avx2(src, outH, outW, Wp, dst, Lpad);
                // The bias gradient while this plane is in cache (images in order, so results do not depend on
                // how the channels are split over threads).
                if (db) db[coBegin + c] += level >= 2 ? sum_avx512(src, (long)outH * outW) : sum_avx2(src, (long)outH * outW);
            }
            const float *xn = x + (n0 + n) * cin * (long)h * w;
            if (padded && level >= 2) pad_image_avx512(xn, cin, h, w, ph, pw, xp + n * cin * plane);
            else if (padded) pad_image_avx2(xn, cin, h, w, ph, pw, xp + n * cin * plane);
        }
        const float *xs = padded ? xp : x + n0 * cin * plane;
        if (level >= 2)
            weight_grad_chunk_avx512(xs, dyw, Lpad, count, cin, Hp, Wp, channels, kh, kw, off, part);
        else
            weight_grad_chunk_avx2(xs, dyw, Lpad, count, cin, Hp, Wp, channels, kh, kw, off, part);
    }
    for (int c = 0; c < channels; c++)
        for (long k = 0; k < (long)cin * taps; k++) {
            const float *q = part + ((long)c * cin * taps + k) * 16;
            float s = 0;
            for (int l = 0; l < 16; l++) s += q[l];
            dw[(long)(coBegin + c) * cin * taps + k] = s;
        }
    free(xp);
    free(dyw);
    free(part);
    free(off);
#else
    (void)level; (void)x; (void)dy; (void)images; (void)cin; (void)h; (void)w; (void)cout; (void)kh; (void)kw;
    (void)ph; (void)pw; (void)coBegin; (void)coEnd; (void)dw; (void)db;
    abort();
#endif
}

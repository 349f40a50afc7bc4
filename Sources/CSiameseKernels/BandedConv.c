#include "CSiameseKernels.h"

#include <stdlib.h>
#include <string.h>

// Input channels per group and output rows per band, so the columns (channels · kw rows of rows + kh − 1 input
// rows) stay near 24 KB. `grouped` (the forward pass) may split the input channels: as many whole images of
// channels as fit, else one channel at a time in bands of rows; otherwise (the weight gradient) every channel is in
// one group and only the rows are banded. At least one row.
#define BAND_COLUMN_FLOATS 6144L  // the columns' cache budget (24 KB)

static void band_shape(int cin, int Hp, int outH, int outW, int kh, int kw, int grouped, int *channels, int *rows) {
    const long budget = BAND_COLUMN_FLOATS;
    long cg = cin, r;
    if (grouped && (cg = budget / ((long)kw * Hp * outW)) >= 1) {
        if (cg > cin) cg = cin;
        r = outH;
    } else {
        if (grouped) cg = 1;
        r = budget / (cg * kw * outW) - (kh - 1);
    }
    if (r < 1) r = 1;
    if (r > outH) r = outH;
    *channels = (int)cg;
    *rows = (int)r;
}

#if defined(__x86_64__)
#include <immintrin.h>

#include "SIMDAVX2.h"
#include "PadKernels.h"
#include "BandedConvKernels.h"
#include "SIMDUndef.h"

#include "SIMDAVX512.h"
#include "PadKernels.h"
#include "BandedConvKernels.h"
#include "SIMDUndef.h"

// Scratch for one call: the padded image (plus a vector of zero slack) and one band's columns, 64-byte aligned.
typedef struct {
    int Hp, Wp, outH, outW, K, bandRows;
    int groupChannels;  // input channels whose columns are in cache at once (K is for all of them)
    long plane, ldc;
    float *xp, *cols;
    long *off;  // each tap's column within a group: cols + off[k]
} band_plan;

static int band_plan_init(band_plan *b, int cin, int h, int w, int kh, int kw, int ph, int pw, int grouped) {
    b->Hp = h + 2 * ph;
    b->Wp = w + 2 * pw;
    b->outH = b->Hp - kh + 1;
    b->outW = b->Wp - kw + 1;
    b->K = cin * kh * kw;
    b->plane = (long)b->Hp * b->Wp;
    band_shape(cin, b->Hp, b->outH, b->outW, kh, kw, grouped, &b->groupChannels, &b->bandRows);
    const int cg = b->groupChannels;
    b->ldc = (((long)b->bandRows + kh - 1) * b->outW + 15) / 16 * 16 + 16;
    const size_t xpBytes = ((size_t)cin * b->plane + 16) * sizeof(float);
    const size_t colBytes = (size_t)cg * kw * b->ldc * sizeof(float);
    b->xp = aligned_alloc(64, (xpBytes + 63) / 64 * 64);
    b->cols = aligned_alloc(64, (colBytes + 63) / 64 * 64);
    b->off = malloc(sizeof(long) * (size_t)cg * kh * kw);
    if (!b->xp || !b->cols || !b->off) {
        free(b->xp);
        free(b->cols);
        free(b->off);
        return 0;
    }
    long k = 0;
    for (int ci = 0; ci < cg; ci++)
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++) b->off[k++] = ((long)ci * kw + kx) * b->ldc + (long)ky * b->outW;
    memset(b->xp + (long)cin * b->plane, 0, 16 * sizeof(float));
    memset(b->cols, 0, colBytes);  // the slack past each band stays finite
    return 1;
}

static void band_plan_free(band_plan *b) {
    free(b->xp);
    free(b->cols);
    free(b->off);
}

// Image n as band_columns reads it: padded into b->xp, or, unpadded, in place: its reads run less than LANES floats
// past the image, into the next one; the last image of the call is copied, so there they stay in the slack.
static const float *band_source(band_plan *b, int level, const float *x, long n, long images, int cin, int h, int w,
                                int ph, int pw) {
    const float *in = x + n * cin * (long)h * w;
    if (ph == 0 && pw == 0 && n < images - 1) return in;
    if (level >= 2) pad_image_avx512(in, cin, h, w, ph, pw, b->xp);
    else pad_image_avx2(in, cin, h, w, ph, pw, b->xp);
    return b->xp;
}

void sk_banded_conv_forward(int level, const float *x, long images, int cin, int h, int w, const float *weight,
                            const float *bias, int cout, int kh, int kw, int ph, int pw, float *y) {
    band_plan b;
    if (!band_plan_init(&b, cin, h, w, kh, kw, ph, pw, 1)) abort();
    const long yPlane = (long)b.outH * b.outW;
    for (long n = 0; n < images; n++) {
        const float *in = band_source(&b, level, x, n, images, cin, h, w, ph, pw);
        float *out = y + n * cout * yPlane;
        for (int r0 = 0; r0 < b.outH; r0 += b.bandRows) {
            const int rows = b.outH - r0 < b.bandRows ? b.outH - r0 : b.bandRows;
            const long P = (long)rows * b.outW;
            float *yb = out + (long)r0 * b.outW;
            for (int c0 = 0; c0 < cin; c0 += b.groupChannels) {
                const int cg = cin - c0 < b.groupChannels ? cin - c0 : b.groupChannels;
                const float *src = in + c0 * b.plane, *wg = weight + (long)c0 * kh * kw;
                const float *bg = c0 == 0 ? bias : NULL;
                if (level >= 2) {
                    band_columns_avx512(src, cg, b.Hp, b.Wp, kh, kw, r0, rows, b.cols, b.ldc);
                    band_forward_avx512(b.cols, b.off, cg * kh * kw, P, wg, b.K, bg, c0 > 0, cout, yb, yPlane);
                } else {
                    band_columns_avx2(src, cg, b.Hp, b.Wp, kh, kw, r0, rows, b.cols, b.ldc);
                    band_forward_avx2(b.cols, b.off, cg * kh * kw, P, wg, b.K, bg, c0 > 0, cout, yb, yPlane);
                }
            }
        }
    }
    band_plan_free(&b);
}

void sk_banded_conv_weight_grad(int level, const float *x, const float *dy, long images, int cin, int h, int w,
                                int cout, int kh, int kw, int ph, int pw, int coBegin, int coEnd, float *part) {
    band_plan b;
    if (!band_plan_init(&b, cin, h, w, kh, kw, ph, pw, 0)) abort();
    const long yPlane = (long)b.outH * b.outW;
    for (long n = 0; n < images; n++) {
        const float *in = band_source(&b, level, x, n, images, cin, h, w, ph, pw);
        const float *dyn = dy + (n * cout + coBegin) * yPlane;
        for (int r0 = 0; r0 < b.outH; r0 += b.bandRows) {
            const int rows = b.outH - r0 < b.bandRows ? b.outH - r0 : b.bandRows;
            const long P = (long)rows * b.outW;
            const float *db = dyn + (long)r0 * b.outW;
            if (level >= 2) {
                band_columns_avx512(in, cin, b.Hp, b.Wp, kh, kw, r0, rows, b.cols, b.ldc);
                band_weight_grad_avx512(b.cols, b.off, b.K, P, db, yPlane, coEnd - coBegin, part);
            } else {
                band_columns_avx2(in, cin, b.Hp, b.Wp, kh, kw, r0, rows, b.cols, b.ldc);
                band_weight_grad_avx2(b.cols, b.off, b.K, P, db, yPlane, coEnd - coBegin, part);
            }
        }
    }
    band_plan_free(&b);
}

#else
void sk_banded_conv_forward(int level, const float *x, long images, int cin, int h, int w, const float *weight,
                            const float *bias, int cout, int kh, int kw, int ph, int pw, float *y) {
    (void)level; (void)x; (void)images; (void)cin; (void)h; (void)w; (void)weight; (void)bias; (void)cout;
    (void)kh; (void)kw; (void)ph; (void)pw; (void)y;
    abort();
}

void sk_banded_conv_weight_grad(int level, const float *x, const float *dy, long images, int cin, int h, int w,
                                int cout, int kh, int kw, int ph, int pw, int coBegin, int coEnd, float *part) {
    (void)level; (void)x; (void)dy; (void)images; (void)cin; (void)h; (void)w; (void)cout; (void)kh; (void)kw;
    (void)ph; (void)pw; (void)coBegin; (void)coEnd; (void)part;
    abort();
}
#endif

void sk_banded_conv_weight_grad_reduce(const float *part, long groups, int cout, int K, float *dw, float *db) {
    const long block = (long)cout * (K + 1) * 16;
    for (int co = 0; co < cout; co++)
        for (int k = 0; k <= K; k++) {
            if (k == K && !db) break;
            float lanes[16] = {0};
            for (long g = 0; g < groups; g++) {
                const float *p = part + g * block + ((long)co * (K + 1) + k) * 16;
                for (int l = 0; l < 16; l++) lanes[l] += p[l];
            }
            float s = 0;
            for (int l = 0; l < 16; l++) s += lanes[l];
            if (k < K) dw[(long)co * K + k] = s;
            else db[co] = s;
        }
}

double sk_banded_conv_forward_lane_use(int lanes, int cin, int h, int w, int kh, int kw, int ph, int pw) {
    const int Hp = h + 2 * ph, outH = Hp - kh + 1, outW = w + 2 * pw - kw + 1;
    int cg, rows;
    band_shape(cin, Hp, outH, outW, kh, kw, 1, &cg, &rows);
    // Columns past the cache budget (a single row of a wide kernel on a wide image: Koch conv1) cost more than the
    // lanes saved.
    if ((long)cg * kw * (rows + kh - 1) * outW > BAND_COLUMN_FLOATS) return 0.0;
    long used = 0, computed = 0;
    for (int r0 = 0; r0 < outH; r0 += rows) {
        const long P = (long)(outH - r0 < rows ? outH - r0 : rows) * outW;
        used += P;
        computed += (P + lanes - 1) / lanes * lanes;
    }
    return computed > 0 ? (double)used / (double)computed : 0.0;
}

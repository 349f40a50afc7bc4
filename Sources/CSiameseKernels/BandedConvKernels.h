// Not an ordinary header: BandedConv.c includes it once per instruction set, each time after that set's macros
// (SIMDAVX2.h, SIMDAVX512.h), so the kernels are written once.
//
// "Banded" convolution, for layers with a short inner dimension K = cin·kh·kw (first layers): the columns of a band
// of output rows, X[k][q] = pad(x)[ci, r + ky, c + kx] for the band's output positions q = (r, c) in row-major
// order, are built in L1 (X[k] = cols + off[k]), and the layer is then a small matrix product over them. Unlike the wide direct kernels,
// lanes run over dense output positions, so nothing is computed past a row's end, outputs are written with plain
// stores, and the weight gradient reads the output gradient as it is (no widened copy).

// The columns of output rows [r0, r0 + rows), shared between kernel rows: for each (ci, kx), one column row
// cols[(ci·kw + kx)·ldc + i·outW + c] = pad(x)[ci, r0 + i, c + kx] over rows + kh − 1 input rows, so the column of
// tap (ci, ky, kx) is that row from offset ky·outW on (off[k] = (ci·kw + kx)·ldc + ky·outW): kh times fewer
// copies than one column per tap. xp is the padded image [cin, Hp, Wp] with LANES floats of slack after it. Full
// vectors spill past a row's end into the next row (written after) or into the slack at the end of a column row
// (ldc ≥ (rows + kh − 1)·outW + LANES), so every store is a plain one.
static SK_TARGET void
SK_NAME(band_columns)(const float *xp, int cin, int Hp, int Wp, int kh, int kw, int r0, int rows, float *cols,
                      long ldc) {
    const int outW = Wp - kw + 1;
    const long plane = (long)Hp * Wp;
    for (int ci = 0; ci < cin; ci++)
        for (int kx = 0; kx < kw; kx++) {
            float *dst = cols + ((long)ci * kw + kx) * ldc;
            const float *src = xp + ci * plane + (long)r0 * Wp + kx;
            for (int r = 0; r < rows + kh - 1; r++, src += Wp, dst += outW)
                for (int c0 = 0; c0 < outW; c0 += LANES) STORE(dst + c0, LOAD(src + c0));
        }
}

// y[c, q] = start + Σ_k w[c·wco + k] · cols[k, q] for CB channels and PB vectors of positions from p0, where start
// is y[c, q] itself when `accumulate` (a later group of input channels), else bias[c] (or 0); the last vector of the
// band is read and stored masked (past it lie the next band's positions, or another channel's, already written).
static SK_TARGET __attribute__((always_inline)) inline void
SK_NAME(band_fwd_block)(const float *cols, const long *off, int K, const float *w, long wco, const float *bias,
                        int accumulate, long p0, long P, float *y, long yPlane, const int CB, const int PB) {
    VEC acc[8][6];
    if (accumulate) {
        SK_UNROLL
        for (int j = 0; j < PB; j++) {
            const long q = p0 + (long)j * LANES;
            const MASK_T m = MASK_FOR(P - q);
            SK_UNROLL
            for (int c = 0; c < CB; c++)
                acc[c][j] = q + LANES <= P ? LOAD(y + c * yPlane + q) : LOADM(m, y + c * yPlane + q);
        }
    } else {
        SK_UNROLL
        for (int c = 0; c < CB; c++)
            SK_UNROLL
            for (int j = 0; j < PB; j++) acc[c][j] = bias ? SET1(bias[c]) : ZERO();
    }
    for (int k = 0; k < K; k++) {
        const float *s = cols + off[k] + p0;
        VEC v[6];
        SK_UNROLL
        for (int j = 0; j < PB; j++) v[j] = LOAD(s + j * LANES);
        SK_UNROLL
        for (int c = 0; c < CB; c++) {
            const VEC b = SET1(w[c * wco + k]);
            SK_UNROLL
            for (int j = 0; j < PB; j++) acc[c][j] = FMA(b, v[j], acc[c][j]);
        }
    }
    SK_UNROLL
    for (int j = 0; j < PB; j++) {
        const long q = p0 + (long)j * LANES;
        if (q + LANES <= P) {
            SK_UNROLL
            for (int c = 0; c < CB; c++) STORE(y + c * yPlane + q, acc[c][j]);
        } else {
            const MASK_T m = MASK_FOR(P - q);
            SK_UNROLL
            for (int c = 0; c < CB; c++) STOREM(y + c * yPlane + q, m, acc[c][j]);
        }
    }
}

#define SK_BAND_FWD_CASE(CB, PB) \
    case CB * 8 + PB: SK_NAME(band_fwd_block)(cols, off, K, wb, wco, bb, accumulate, p0, P, yb, yPlane, CB, PB); break;

// One band of one image, for the K columns of one group of input channels: y points at the band's first position in
// channel 0's plane, w at the group's first weight of output channel 0 (rows of wco); `accumulate` adds to y (every
// group after the first) instead of starting from the bias.
static SK_TARGET void
SK_NAME(band_forward)(const float *cols, const long *off, int K, long P, const float *w, long wco, const float *bias,
                      int accumulate, int cout, float *y, long yPlane) {
    const long nvec = (P + LANES - 1) / LANES;
    for (int co = 0; co < cout;) {
        // With 32 registers, 8 channels × 3 vectors: fewer loads per multiply-add than 4 × 6 (a little faster).
        const int cb = LANES == 16 && cout - co >= 8 ? 8 : cout - co >= 4 ? 4 : (cout - co >= 2 ? 2 : 1);
        const int pmax = cb == 8 ? 3 : FWD_PB_MAX;
        const long blocks = (nvec + pmax - 1) / pmax;
        const int pbBase = (int)((nvec + blocks - 1) / blocks);
        const float *wb = w + (long)co * wco;
        const float *bb = bias ? bias + co : NULL;
        float *yb = y + (long)co * yPlane;
        for (long v = 0; v < nvec;) {
            const int pb = (int)(nvec - v < pbBase ? nvec - v : pbBase);
            const long p0 = v * LANES;
            switch (cb * 8 + pb) {
#if LANES == 16
                SK_BAND_FWD_CASE(8, 1) SK_BAND_FWD_CASE(8, 2) SK_BAND_FWD_CASE(8, 3)
#endif
                SK_BAND_FWD_CASE(4, 1) SK_BAND_FWD_CASE(4, 2) SK_BAND_FWD_CASE(4, 3) SK_BAND_FWD_CASE(4, 4)
                SK_BAND_FWD_CASE(4, 5) SK_BAND_FWD_CASE(4, 6)
                SK_BAND_FWD_CASE(2, 1) SK_BAND_FWD_CASE(2, 2) SK_BAND_FWD_CASE(2, 3) SK_BAND_FWD_CASE(2, 4)
                SK_BAND_FWD_CASE(2, 5) SK_BAND_FWD_CASE(2, 6)
                SK_BAND_FWD_CASE(1, 1) SK_BAND_FWD_CASE(1, 2) SK_BAND_FWD_CASE(1, 3) SK_BAND_FWD_CASE(1, 4)
                SK_BAND_FWD_CASE(1, 5) SK_BAND_FWD_CASE(1, 6)
                default: break;
            }
            v += pb;
        }
        co += cb;
    }
}
#undef SK_BAND_FWD_CASE

// acc[c][t] += dy[c, q] · cols[k0 + t, q] over the band's positions, for CB channels and T columns; with BIAS, also
// Σ dy[c, q]. Vector partial sums are added into part[c·pco + 16·t] (bias at part[c·pco + 16·K]).
static SK_TARGET __attribute__((always_inline)) inline void
SK_NAME(band_wgrad_block)(const float *cols, const long *off, int k0, long P, const float *dy, long yPlane,
                          float *part, long pco, int K, const int CB, const int T, const int BIAS) {
    VEC acc[2][12], bacc[2];
    SK_UNROLL
    for (int c = 0; c < CB; c++) {
        bacc[c] = ZERO();
        SK_UNROLL
        for (int t = 0; t < T; t++) acc[c][t] = ZERO();
    }
    const long *o = off + k0;
    long q = 0;
    for (; q + LANES <= P; q += LANES) {
        VEC d[2];
        SK_UNROLL
        for (int c = 0; c < CB; c++) {
            d[c] = LOAD(dy + c * yPlane + q);
            if (BIAS) bacc[c] = ADD(bacc[c], d[c]);
        }
        SK_UNROLL
        for (int t = 0; t < T; t++) {
            const VEC v = LOAD(cols + o[t] + q);
            SK_UNROLL
            for (int c = 0; c < CB; c++) acc[c][t] = FMA(d[c], v, acc[c][t]);
        }
    }
    if (q < P) {  // the band's last vector: lanes past P are another band's (or past the tensor)
        const MASK_T m = MASK_FOR(P - q);
        VEC d[2];
        SK_UNROLL
        for (int c = 0; c < CB; c++) {
            d[c] = LOADM(m, dy + c * yPlane + q);
            if (BIAS) bacc[c] = ADD(bacc[c], d[c]);
        }
        SK_UNROLL
        for (int t = 0; t < T; t++) {
            const VEC v = LOADM(m, cols + o[t] + q);  // the slack is finite only if x is: mask it too
            SK_UNROLL
            for (int c = 0; c < CB; c++) acc[c][t] = FMA(d[c], v, acc[c][t]);
        }
    }
    SK_UNROLL
    for (int c = 0; c < CB; c++) {
        SK_UNROLL
        for (int t = 0; t < T; t++) {
            float *p = part + c * pco + (long)(k0 + t) * 16;
            STORE(p, ADD(LOAD(p), acc[c][t]));
        }
        if (BIAS) {
            float *p = part + c * pco + (long)K * 16;
            STORE(p, ADD(LOAD(p), bacc[c]));
        }
    }
}

#define SK_BAND_WG_CASE(CB, T) \
    case CB * 16 + T: \
        if (k0 == 0) SK_NAME(band_wgrad_block)(cols, off, k0, P, d, yPlane, pp, pco, K, CB, T, 1); \
        else SK_NAME(band_wgrad_block)(cols, off, k0, P, d, yPlane, pp, pco, K, CB, T, 0); \
        break;

// One band of one image: dy points at the band's first position in channel 0's plane; part is [cout, K + 1, 16].
static SK_TARGET void
SK_NAME(band_weight_grad)(const float *cols, const long *off, int K, long P, const float *dy, long yPlane, int cout,
                          float *part) {
    const long pco = (long)(K + 1) * 16;
    const int groups = (K + WG_T_MAX - 1) / WG_T_MAX;
    const int tBase = (K + groups - 1) / groups;
    for (int co = 0; co < cout;) {
        const int cb = cout - co >= 2 ? 2 : 1;
        const float *d = dy + (long)co * yPlane;
        float *pp = part + (long)co * pco;
        for (int k0 = 0; k0 < K;) {
            const int tn = K - k0 < tBase ? K - k0 : tBase;
            switch (cb * 16 + tn) {
                SK_BAND_WG_CASE(2, 1) SK_BAND_WG_CASE(2, 2) SK_BAND_WG_CASE(2, 3) SK_BAND_WG_CASE(2, 4)
                SK_BAND_WG_CASE(2, 5) SK_BAND_WG_CASE(2, 6) SK_BAND_WG_CASE(2, 7) SK_BAND_WG_CASE(2, 8)
                SK_BAND_WG_CASE(2, 9) SK_BAND_WG_CASE(2, 10) SK_BAND_WG_CASE(2, 11) SK_BAND_WG_CASE(2, 12)
                SK_BAND_WG_CASE(1, 1) SK_BAND_WG_CASE(1, 2) SK_BAND_WG_CASE(1, 3) SK_BAND_WG_CASE(1, 4)
                SK_BAND_WG_CASE(1, 5) SK_BAND_WG_CASE(1, 6) SK_BAND_WG_CASE(1, 7) SK_BAND_WG_CASE(1, 8)
                SK_BAND_WG_CASE(1, 9) SK_BAND_WG_CASE(1, 10) SK_BAND_WG_CASE(1, 11) SK_BAND_WG_CASE(1, 12)
                default: break;
            }
            k0 += tn;
        }
        co += cb;
    }
}
#undef SK_BAND_WG_CASE

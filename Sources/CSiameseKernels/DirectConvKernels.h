// Not an ordinary header: DirectConv.c includes it once per instruction set (AVX2 + FMA, AVX-512F), each time
// after that set's macros (SIMDAVX2.h, SIMDAVX512.h), so the kernels are written once.
//
// "Wide" positions: on an input plane of width Wi, the valid output at row y, column x sits at p = y·Wi + x, and
// its window starts at input offset p. Every kernel tap is then one constant offset (ky·Wi + kx), so a run of
// output positions is a run of contiguous input floats. Columns x ≥ valid width are computed and thrown away;
// lanes at p ≥ L (L = one past the last valid position) are masked, which keeps every read inside the plane.

// dst[r·Wp + x] = src[r·cols + x] for x < cols, 0 for cols ≤ x < Wp, and 0 from rows·Wp up to `length`.
static SK_TARGET void
SK_NAME(widen_rows)(const float *src, int rows, int cols, int Wp, float *dst, long length) {
    for (int r = 0; r < rows; r++) {
        const float *line = src + (long)r * cols;
        float *row = dst + (long)r * Wp;
        for (int x0 = 0; x0 < Wp; x0 += LANES) {
            const long kept = (long)r * Wp + x0;
            if (kept >= length) break;
            const VEC v = x0 + LANES <= cols ? LOAD(line + x0) : LOADM(MASK_FOR(cols - x0), line + x0);
            // A full vector may spill into the next row, which is written after; never past `length`.
            if (kept + LANES <= length) STORE(row + x0, v);
            else STOREM(row + x0, MASK_FOR(length - kept), v);
        }
    }
    for (long p = (long)rows * Wp; p < length; p++) dst[p] = 0.0f;
}

// acc[c][j] += w[c, ci, t] · in[ci, p0 + 16j + off[t]] over all ci and taps, for CB output channels and PB vectors.
static SK_TARGET __attribute__((always_inline)) inline void
SK_NAME(fwd_block)(const float *in, long plane, int cin, const int *off, int taps, const float *w, long wco,
                   long p0, long L, float *out, long ldo, const float *bias, float *y, long yPlane, int Wi, int outH,
                   int outW, const int CB, const int PB, const int MASKED) {
    VEC acc[4][6];
    MASK_T m[6];
    SK_UNROLL
    for (int j = 0; j < PB; j++) m[j] = MASK_FOR(L - (p0 + (long)j * LANES));
    SK_UNROLL
    for (int c = 0; c < CB; c++)
        SK_UNROLL
        for (int j = 0; j < PB; j++) acc[c][j] = SK_DIRECT_STORE && bias ? SET1(bias[c]) : ZERO();
    for (int ci = 0; ci < cin; ci++) {
        const float *src = in + ci * plane + p0;
        const float *wc = w + (long)ci * taps;
        for (int t = 0; t < taps; t++) {
            const float *s = src + off[t];
            VEC v[6];
            SK_UNROLL
            for (int j = 0; j < PB; j++) v[j] = MASKED ? LOADM(m[j], s + j * LANES) : LOAD(s + j * LANES);
            SK_UNROLL
            for (int c = 0; c < CB; c++) {
                VEC b = SET1(wc[c * wco + t]);
                SK_UNROLL
                for (int j = 0; j < PB; j++) acc[c][j] = FMA(b, v[j], acc[c][j]);
            }
        }
    }
#if SK_DIRECT_STORE
    // Straight into the NCHW output: one masked store per output row a vector spans (lane i is at wide position
    // P + i; columns past the row's end and lanes past the last row are left out).
    (void)out; (void)ldo;
    long r0 = p0 / Wi;
    int x0 = (int)(p0 - r0 * Wi);
    SK_UNROLL
    for (int j = 0; j < PB; j++) {
        long r = r0;
        int x = x0;
        for (int lane = 0; lane < LANES;) {
            const int end = lane + (Wi - x) < LANES ? lane + (Wi - x) : LANES;
            const int hi = lane + outW - x < end ? lane + outW - x : end;
            if (r < outH && hi > lane) {
                const MASK_T mk = SK_RANGE(lane, hi);
                float *base = y + r * outW + x - lane;
                SK_UNROLL
                for (int c = 0; c < CB; c++) STOREM(base + c * yPlane, mk, acc[c][j]);
            }
            lane = end;
            r++;
            x = 0;
        }
        x0 += LANES;
        while (x0 >= Wi) {
            x0 -= Wi;
            r0++;
        }
    }
#else
    (void)bias; (void)y; (void)yPlane; (void)Wi; (void)outH; (void)outW;
    SK_UNROLL
    for (int c = 0; c < CB; c++)
        SK_UNROLL
        for (int j = 0; j < PB; j++) STORE(out + c * ldo + p0 + j * LANES, acc[c][j]);  // rows of ldo ≥ nvec·LANES
#endif
}

// Masked loads only in the last block: AVX2's masked moves are slow on some CPUs (AMD), and elsewhere every lane
// read lies inside the plane.
#define SK_FWD_CASE(CB, PB) \
    case CB * 8 + PB: \
        if (p0 + PB * LANES <= L) \
            SK_NAME(fwd_block)(in, plane, cin, off, taps, wb, wco, p0, L, ob, ldo, bb, yb, yPlane, Wi, outH, outW, \
                               CB, PB, 0); \
        else \
            SK_NAME(fwd_block)(in, plane, cin, off, taps, wb, wco, p0, L, ob, ldo, bb, yb, yPlane, Wi, outH, outW, \
                               CB, PB, 1); \
        break;

// One image on a (padded) input [cin, Hi, Wi]: each block of output channels straight into y (AVX-512), or into
// `wide` ([cout, ldo]) and then cropped (plus bias) into y.
static SK_TARGET void
SK_NAME(conv_image)(const float *in, int cin, int Hi, int Wi, const float *w, const float *bias, int cout,
                    int kh, int kw, const int *off, float *y, float *wide) {
    const long plane = (long)Hi * Wi;
    const int taps = kh * kw;
    const long wco = (long)cin * taps;
    const int outH = Hi - kh + 1, outW = Wi - kw + 1;
    const long L = (long)(outH - 1) * Wi + outW;
    const long nvec = (L + LANES - 1) / LANES;
    const long ldo = nvec * LANES;
    const long yPlane = (long)outH * outW;
    for (int co = 0; co < cout;) {
        const int cb = cout - co >= 4 ? 4 : (cout - co >= 2 ? 2 : 1);
        const float *wb = w + (long)co * wco;
        float *ob = wide + (long)co * ldo;
        const float *bb = bias ? bias + co : NULL;
        float *yb = y + (long)co * yPlane;
        long v = 0;
        const long blocks = (nvec + FWD_PB_MAX - 1) / FWD_PB_MAX;
        const int pbBase = (int)((nvec + blocks - 1) / blocks);
        while (v < nvec) {
            const int pb = (int)(nvec - v < pbBase ? nvec - v : pbBase);
            const long p0 = v * LANES;
            switch (cb * 8 + pb) {
                SK_FWD_CASE(4, 1) SK_FWD_CASE(4, 2) SK_FWD_CASE(4, 3) SK_FWD_CASE(4, 4) SK_FWD_CASE(4, 5) SK_FWD_CASE(4, 6)
                SK_FWD_CASE(2, 1) SK_FWD_CASE(2, 2) SK_FWD_CASE(2, 3) SK_FWD_CASE(2, 4) SK_FWD_CASE(2, 5) SK_FWD_CASE(2, 6)
                SK_FWD_CASE(1, 1) SK_FWD_CASE(1, 2) SK_FWD_CASE(1, 3) SK_FWD_CASE(1, 4) SK_FWD_CASE(1, 5) SK_FWD_CASE(1, 6)
                default: break;
            }
            v += pb;
        }
        // Crop these channels (plus bias) while their wide rows are still in L1.
        for (int c = co; c < co + cb && !SK_DIRECT_STORE; c++) {
            const float *src = wide + (long)c * ldo;
            float *dst = y + (long)c * outH * outW;
            const VEC bv = SET1(bias ? bias[c] : 0.0f);
            for (int r = 0; r < outH; r++) {
                const float *s = src + (long)r * Wi;
                float *d = dst + (long)r * outW;
                // Full vectors may spill into the next row of this plane, which is written after; only the
                // plane's last vector is masked (the wide buffer has slack for the unmasked reads).
                for (int x0 = 0; x0 < outW; x0 += LANES) {
                    const VEC v = ADD(LOAD(s + x0), bv);
                    if ((long)r * outW + x0 + LANES <= (long)outH * outW) STORE(d + x0, v);
                    else STOREM(d + x0, MASK_FOR(outW - x0), v);
                }
            }
        }
        co += cb;
    }
}
#undef SK_FWD_CASE

// Σ src[0..<count], vector partial sums (the bias gradient of one output plane).
static SK_TARGET float SK_NAME(sum)(const float *src, long count) {
    VEC acc = ZERO();
    for (long i = 0; i < count; i += LANES) acc = ADD(acc, LOADM(MASK_FOR(count - i), src + i));
    return HSUM(acc);
}

// Input gradient, scatter form: for each tap t, acc[c][j] = Σ_co w[co, ci0 + c, t] · dyw[co, p0 + 16j], added into
// dxp[ci0 + c, p0 + 16j + off[t]] (dyw is zero outside the valid outputs, so the extra lanes add zeros).
static SK_TARGET __attribute__((always_inline)) inline void
SK_NAME(dx_block)(const float *dyw, long Lpad, int cout, const float *w, int cin, int taps, const int *off, int ci0,
                  long p0, float *dxp, long dxPlane, const int CB, const int PB) {
    const long wco = (long)cin * taps;
    for (int t = 0; t < taps; t++) {
        VEC acc[4][6];
        SK_UNROLL
        for (int c = 0; c < CB; c++)
            SK_UNROLL
            for (int j = 0; j < PB; j++) acc[c][j] = ZERO();
        const float *wt = w + (long)ci0 * taps + t;
        for (int co = 0; co < cout; co++) {
            const float *d = dyw + (long)co * Lpad + p0;
            VEC v[6];
            SK_UNROLL
            for (int j = 0; j < PB; j++) v[j] = LOAD(d + j * LANES);
            SK_UNROLL
            for (int c = 0; c < CB; c++) {
                const VEC b = SET1(wt[co * wco + (long)c * taps]);
                SK_UNROLL
                for (int j = 0; j < PB; j++) acc[c][j] = FMA(b, v[j], acc[c][j]);
            }
        }
        SK_UNROLL
        for (int c = 0; c < CB; c++) {
            float *q = dxp + (long)(ci0 + c) * dxPlane + p0 + off[t];
            SK_UNROLL
            for (int j = 0; j < PB; j++) STORE(q + j * LANES, ADD(LOAD(q + j * LANES), acc[c][j]));
        }
    }
}

#define SK_DX_CASE(CB, PB) \
    case CB * 8 + PB: SK_NAME(dx_block)(dyw, Lpad, cout, w, cin, taps, off, ci, p0, dxp, dxPlane, CB, PB); break;

// One image's input gradient: dy [cout, outH, outW] → dx [cin, h, w], through the padded plane dxp
// ([cin, dxPlane], dxPlane ≥ Hp·Wp + Lpad − L + 16) and the widened dyw ([cout, Lpad]).
static SK_TARGET void
SK_NAME(dx_image)(const float *dy, int cout, const float *w, int cin, int h, int wd, int kh, int kw, int ph, int pw,
                  const int *off, long Lpad, long dxPlane, float *dyw, float *dxp, float *dx) {
    const int Hp = h + 2 * ph, Wp = wd + 2 * pw;
    const int outH = Hp - kh + 1, outW = Wp - kw + 1;
    const int taps = kh * kw;
    for (int co = 0; co < cout; co++)
        SK_NAME(widen_rows)(dy + (long)co * outH * outW, outH, outW, Wp, dyw + (long)co * Lpad, Lpad);
    for (long i = 0; i < (long)cin * dxPlane; i += LANES) STORE(dxp + i, ZERO());
    const long nvec = Lpad / LANES;
    const long blocks = (nvec + FWD_PB_MAX - 1) / FWD_PB_MAX;
    const int pbBase = (int)((nvec + blocks - 1) / blocks);
    for (int ci = 0; ci < cin;) {
        const int cb = cin - ci >= 4 ? 4 : (cin - ci >= 2 ? 2 : 1);
        for (long v = 0; v < nvec;) {
            const int pb = (int)(nvec - v < pbBase ? nvec - v : pbBase);
            const long p0 = v * LANES;
            switch (cb * 8 + pb) {
                SK_DX_CASE(4, 1) SK_DX_CASE(4, 2) SK_DX_CASE(4, 3) SK_DX_CASE(4, 4) SK_DX_CASE(4, 5) SK_DX_CASE(4, 6)
                SK_DX_CASE(2, 1) SK_DX_CASE(2, 2) SK_DX_CASE(2, 3) SK_DX_CASE(2, 4) SK_DX_CASE(2, 5) SK_DX_CASE(2, 6)
                SK_DX_CASE(1, 1) SK_DX_CASE(1, 2) SK_DX_CASE(1, 3) SK_DX_CASE(1, 4) SK_DX_CASE(1, 5) SK_DX_CASE(1, 6)
                default: break;
            }
            v += pb;
        }
        ci += cb;
    }
    for (int c = 0; c < cin; c++)
        for (int r = 0; r < h; r++) {
            const float *s = dxp + (long)c * dxPlane + (long)(r + ph) * Wp + pw;
            float *d = dx + ((long)c * h + r) * wd;
            for (int x0 = 0; x0 < wd; x0 += LANES) {
                const VEC v = LOAD(s + x0);  // dxp rows have slack past the plane
                if ((long)r * wd + x0 + LANES <= (long)h * wd) STORE(d + x0, v);
                else STOREM(d + x0, MASK_FOR(wd - x0), v);
            }
        }
}
#undef SK_DX_CASE

// acc[c][t] += dyw[n, c, p] · xp[n, p + off[t]] over images and positions; CB ≤ 2, T ≤ 12. The vector partial
// sums are added into part[c·pco + 16·t] (the first LANES of 16 floats).
static SK_TARGET __attribute__((always_inline)) inline void
SK_NAME(wgrad_block)(const float *xp, long xImage, const float *dyw, long dyImage, long Lpad, long L, long images,
                     const int *off, float *part, long pco, const int CB, const int T) {
    VEC acc[2][12];
    SK_UNROLL
    for (int c = 0; c < CB; c++)
        SK_UNROLL
        for (int t = 0; t < T; t++) acc[c][t] = ZERO();
    for (long n = 0; n < images; n++) {
        const float *src = xp + n * xImage;
        const float *d = dyw + n * dyImage;
        long p0 = 0;
        for (; p0 + LANES <= L; p0 += LANES) {
            const VEC d0 = LOAD(d + p0);
            const VEC d1 = CB > 1 ? LOAD(d + Lpad + p0) : ZERO();
            SK_UNROLL
            for (int t = 0; t < T; t++) {
                const VEC v = LOAD(src + p0 + off[t]);
                acc[0][t] = FMA(d0, v, acc[0][t]);
                if (CB > 1) acc[1][t] = FMA(d1, v, acc[1][t]);
            }
        }
        for (; p0 < Lpad; p0 += LANES) {  // the tail: lanes past L would read past the plane
            const MASK_T m = MASK_FOR(L - p0);
            const VEC d0 = LOAD(d + p0);
            const VEC d1 = CB > 1 ? LOAD(d + Lpad + p0) : ZERO();
            SK_UNROLL
            for (int t = 0; t < T; t++) {
                const VEC v = LOADM(m, src + p0 + off[t]);
                acc[0][t] = FMA(d0, v, acc[0][t]);
                if (CB > 1) acc[1][t] = FMA(d1, v, acc[1][t]);
            }
        }
    }
    SK_UNROLL
    for (int c = 0; c < CB; c++)
        SK_UNROLL
        for (int t = 0; t < T; t++) {
            float *q = part + c * pco + (long)t * 16;
            STORE(q, ADD(LOAD(q), acc[c][t]));
        }
}

#define SK_WG_CASE(CB, T) \
    case CB * 16 + T: SK_NAME(wgrad_block)(src, xImage, d, dyImage, Lpad, L, images, off + t0, pp, pco, CB, T); break;

// One cached chunk of images: xp [images, cin, Hp, Wp] and dyw [images, channels, Lpad] (the chunk's own output
// channels, on the padded row width, zero elsewhere); adds into part [channels, cin·taps, 16].
static SK_TARGET void
SK_NAME(weight_grad_chunk)(const float *xp, const float *dyw, long Lpad, long images, int cin, int Hp, int Wp,
                           int channels, int kh, int kw, const int *off, float *part) {
    const int taps = kh * kw;
    const long plane = (long)Hp * Wp;
    const long L = (long)(Hp - kh) * Wp + (Wp - kw + 1);
    const long xImage = (long)cin * plane, dyImage = (long)channels * Lpad;
    const long pco = (long)cin * taps * 16;
    const int groups = (taps + WG_T_MAX - 1) / WG_T_MAX;
    const int tBase = (taps + groups - 1) / groups;
    for (int co = 0; co < channels;) {
        const int cb = channels - co >= 2 ? 2 : 1;
        for (int ci = 0; ci < cin; ci++) {
            const float *src = xp + ci * plane;
            const float *d = dyw + (long)co * Lpad;
            for (int t0 = 0; t0 < taps;) {
                const int tn = taps - t0 < tBase ? taps - t0 : tBase;
                float *pp = part + (long)co * pco + ((long)ci * taps + t0) * 16;
                switch (cb * 16 + tn) {
                    SK_WG_CASE(2, 1) SK_WG_CASE(2, 2) SK_WG_CASE(2, 3) SK_WG_CASE(2, 4) SK_WG_CASE(2, 5)
                    SK_WG_CASE(2, 6) SK_WG_CASE(2, 7) SK_WG_CASE(2, 8) SK_WG_CASE(2, 9) SK_WG_CASE(2, 10)
                    SK_WG_CASE(2, 11) SK_WG_CASE(2, 12)
                    SK_WG_CASE(1, 1) SK_WG_CASE(1, 2) SK_WG_CASE(1, 3) SK_WG_CASE(1, 4) SK_WG_CASE(1, 5)
                    SK_WG_CASE(1, 6) SK_WG_CASE(1, 7) SK_WG_CASE(1, 8) SK_WG_CASE(1, 9) SK_WG_CASE(1, 10)
                    SK_WG_CASE(1, 11) SK_WG_CASE(1, 12)
                    default: break;
                }
                t0 += tn;
            }
        }
        co += cb;
    }
}
#undef SK_WG_CASE

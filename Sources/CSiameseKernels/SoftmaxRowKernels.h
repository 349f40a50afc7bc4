// Not an ordinary header: the row kernels of SoftmaxRows.c written once with the macros of SIMDAVX2.h /
// SIMDAVX512.h, included once per instruction set (see SoftmaxRows.c). Each defines SK_NAME(exp),
// SK_NAME(softmax_row) and SK_NAME(margin_backward_row); tails shorter than LANES go through the portable code.

// eˣ of every lane: SiameseCore's FastMath.exp (Cody–Waite reduction, degree-6 polynomial, 2ᵏ built from two halves
// so that k = 128 does not overflow the exponent field); 0 below −87.34, +∞ above 88.72, NaN kept.
static SK_TARGET inline VEC SK_NAME(exp)(VEC x) {
    const VEC xc = VMIN(VMAX(x, SET1(-87.33654f)), SET1(88.72283f));
    const VEC magic = SET1(12582912.0f);
    const VEC shifted = FMA(xc, SET1(1.442695041f), magic);
    const VEC k = SUB(shifted, magic);
    const VEC r = FNMADD(k, SET1(-2.12194440e-4f), FNMADD(k, SET1(0.693359375f), xc));
    VEC p = SET1(1.9875691500e-4f);
    p = FMA(p, r, SET1(1.3981999507e-3f));
    p = FMA(p, r, SET1(8.3334519073e-3f));
    p = FMA(p, r, SET1(4.1665795894e-2f));
    p = FMA(p, r, SET1(1.6666665459e-1f));
    p = FMA(p, r, SET1(5.0000001201e-1f));
    const VEC er = ADD(FMA(MUL(p, r), r, r), SET1(1.0f));
    const VECI ki = ISUB(BITS_TO_INT(shifted), SET1I(0x4B400000));
    const VECI half = ISRAI(ki, 1), bias = SET1I(127);
    const VEC s1 = BITS_TO_FLOAT(ISLLI(IADD(half, bias), 23));
    const VEC s2 = BITS_TO_FLOAT(ISLLI(IADD(ISUB(ki, half), bias), 23));
    VEC result = MUL(MUL(er, s1), s2);
    result = SELECT_IF(x, SET1(-87.33654f), _CMP_LT_OQ, ZERO(), result);
    result = SELECT_IF(x, SET1(88.72283f), _CMP_GT_OQ, SET1(INFINITY), result);
    return SELECT_IF(x, x, _CMP_UNORD_Q, x, result);
}

// The softmax of one row of scaled logits: dst = softmax(src ⊙ scale · rowScale, with dst[target] = targetValue when
// target ≥ 0); returns the row's log-sum-exp.
static SK_TARGET float SK_NAME(softmax_row)(const float *src, const float *scale, float rowScale, long n, long target,
                                            float targetValue, float *dst) {
    const VEC rs = SET1(rowScale);
    long j = 0;
    for (; j + LANES <= n; j += LANES) {
        VEC l = LOAD(src + j);
        if (scale) l = MUL(l, LOAD(scale + j));
        STORE(dst + j, MUL(l, rs));
    }
    for (; j < n; j++) dst[j] = src[j] * (scale ? scale[j] : 1.0f) * rowScale;
    if (target >= 0) dst[target] = targetValue;
    VEC vm = SET1(-INFINITY);
    for (j = 0; j + LANES <= n; j += LANES) vm = VMAX(LOAD(dst + j), vm);
    float m = HMAX(vm);
    for (; j < n; j++) m = dst[j] > m ? dst[j] : m;
    if (!isfinite(m)) m = 0;
    const VEC mv = SET1(m);
    VEC vs = ZERO();
    for (j = 0; j + LANES <= n; j += LANES) {
        const VEC e = SK_NAME(exp)(SUB(LOAD(dst + j), mv));
        STORE(dst + j, e);
        vs = ADD(vs, e);
    }
    float sum = HSUM(vs);
    for (; j < n; j++) { dst[j] = exp_portable(dst[j] - m); sum += dst[j]; }
    const float inverse = 1 / sum;
    const VEC iv = SET1(inverse);
    for (j = 0; j + LANES <= n; j += LANES) STORE(dst + j, MUL(LOAD(dst + j), iv));
    for (; j < n; j++) dst[j] *= inverse;
    return m + logf(sum);
}

// The backward row of the margin losses: e = g · p ⊙ scale · rowScale, columnSums += e ⊙ src; returns Σ e ⊙ src.
static SK_TARGET float SK_NAME(margin_backward_row)(const float *p, const float *src, const float *scale, float g,
                                                    float rowScale, long n, float *e, float *columnSums) {
    const VEC gv = SET1(g), rs = SET1(rowScale);
    VEC acc = ZERO();
    long j = 0;
    for (; j + LANES <= n; j += LANES) {
        const VEC ej = MUL(MUL(gv, LOAD(p + j)), MUL(LOAD(scale + j), rs));
        const VEC hl = MUL(ej, LOAD(src + j));
        STORE(e + j, ej);
        STORE(columnSums + j, ADD(LOAD(columnSums + j), hl));
        acc = ADD(acc, hl);
    }
    const float total = HSUM(acc);
    return total + margin_backward_row_portable(p + j, src + j, scale + j, g, rowScale, n - j, e + j, columnSums + j);
}

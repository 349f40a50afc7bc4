// Not an ordinary header: included once per instruction set, after that set's macros (see DirectConv.c).

// xp[c] = x[c] with ph zero rows above and below and pw zero columns left and right, whole rows per vector.
static SK_TARGET void
SK_NAME(pad_image)(const float *x, int cin, int h, int w, int ph, int pw, float *xp) {
    const int Hp = h + 2 * ph, Wp = w + 2 * pw;
    for (int c = 0; c < cin; c++) {
        const float *src = x + (long)c * h * w;
        float *dst = xp + (long)c * Hp * Wp;
        for (int r = 0; r < Hp; r++) {
            float *row = dst + (long)r * Wp;
            const int inside = r >= ph && r < ph + h;
            const float *line = src + (long)(r - ph) * w - pw;  // masked: only lanes inside the row are read
            for (int x0 = 0; x0 < Wp; x0 += LANES) {
                const VEC v = inside ? LOADM(SK_RANGE(pw - x0, pw + w - x0), line + x0) : ZERO();
                // A full vector may spill into the next row (written after); the plane's last one is masked.
                if ((long)r * Wp + x0 + LANES <= (long)Hp * Wp) STORE(row + x0, v);
                else STOREM(row + x0, MASK_FOR(Wp - x0), v);
            }
        }
    }
}

// Bounded top-k selection fused with the scan of a score block (SiameseIndex's exact search): one max-heap of
// (distance, id) per query row, whose root is the worst candidate kept. A block row is first compared with the
// root 16 (AVX-512) or 8 (AVX2) columns at a time, so the few columns that can enter the heap are the only ones
// that touch it. Results do not depend on the vector level: every value is formed by the same float operations
// in the same order, and the order (distance, then id) is total.
#include "CSiameseKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// (da, ia) ranks after (db, ib): a larger distance, or the same distance and a larger id.
static inline int worse(float da, long ia, float db, long ib) { return da > db || (da == db && ia > ib); }

void sk_topk_offer(float d, long id, long k, float *keys, long *ids, long *count) {
    if (d != d) d = __builtin_inff();  // NaN ranks after everything
    long n = *count;
    if (n < k) {
        long i = n;  // sift up: a parent better than the newcomer moves down
        while (i > 0) {
            const long parent = (i - 1) / 2;
            if (worse(d, id, keys[parent], ids[parent])) {
                keys[i] = keys[parent];
                ids[i] = ids[parent];
                i = parent;
            } else {
                break;
            }
        }
        keys[i] = d;
        ids[i] = id;
        *count = n + 1;
        return;
    }
    if (!worse(keys[0], ids[0], d, id)) return;  // not better than the worst kept
    long i = 0;  // replace the root and sift down: the worse child moves up
    for (;;) {
        const long left = 2 * i + 1;
        if (left >= k) break;
        long child = left;
        if (left + 1 < k && worse(keys[left + 1], ids[left + 1], keys[left], ids[left])) child = left + 1;
        if (!worse(keys[child], ids[child], d, id)) break;
        keys[i] = keys[child];
        ids[i] = ids[child];
        i = child;
    }
    keys[i] = d;
    ids[i] = id;
}

// The value of one column: the clamped L2 expansion ‖q‖² + ‖x‖² + s (s = −2 q·x), or s itself.
static inline float column_value(float s, float rowNorm, const float *colNorms, long j) {
    if (!colNorms) return s;
    const float v = (rowNorm + colNorms[j]) + s;
    return v > 0 ? v : 0;  // NaN and −0 give +0, as the vector max below
}

static void scan_row_portable(const float *s, long begin, long cols, float rowNorm, const float *colNorms,
                              const long *colIDs, long k, float *keys, long *ids, long *count) {
    for (long j = begin; j < cols; j++) {
        const float v = column_value(s[j], rowNorm, colNorms, j);
        if (*count < k || !(v > keys[0])) sk_topk_offer(v, colIDs[j], k, keys, ids, count);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void scan_row_avx512(const float *s, long cols, float rowNorm,
                                                               const float *colNorms, const long *colIDs, long k,
                                                               float *keys, long *ids, long *count) {
    long j = 0;
    // Until the heap is full every column enters it.
    for (; j < cols && *count < k; j++) sk_topk_offer(column_value(s[j], rowNorm, colNorms, j), colIDs[j], k, keys, ids, count);
    const __m512 rn = _mm512_set1_ps(rowNorm), zero = _mm512_setzero_ps();
    for (; j + 16 <= cols; j += 16) {
        __m512 v = _mm512_loadu_ps(s + j);
        if (colNorms) v = _mm512_max_ps(_mm512_add_ps(_mm512_add_ps(rn, _mm512_loadu_ps(colNorms + j)), v), zero);
        // Lanes not greater than the root (NaN included) may enter.
        __mmask16 m = _mm512_cmp_ps_mask(v, _mm512_set1_ps(keys[0]), _CMP_NGT_UQ);
        while (m) {
            const int lane = __builtin_ctz(m);
            m &= m - 1;
            const float d = column_value(s[j + lane], rowNorm, colNorms, j + lane);
            if (!(d > keys[0])) sk_topk_offer(d, colIDs[j + lane], k, keys, ids, count);
        }
    }
    scan_row_portable(s, j, cols, rowNorm, colNorms, colIDs, k, keys, ids, count);
}

__attribute__((target("avx2,fma"))) static void scan_row_avx2(const float *s, long cols, float rowNorm,
                                                              const float *colNorms, const long *colIDs, long k,
                                                              float *keys, long *ids, long *count) {
    long j = 0;
    for (; j < cols && *count < k; j++) sk_topk_offer(column_value(s[j], rowNorm, colNorms, j), colIDs[j], k, keys, ids, count);
    const __m256 rn = _mm256_set1_ps(rowNorm), zero = _mm256_setzero_ps();
    for (; j + 8 <= cols; j += 8) {
        __m256 v = _mm256_loadu_ps(s + j);
        // max(v, 0) returns its second operand for NaN: +0, as column_value.
        if (colNorms) v = _mm256_max_ps(_mm256_add_ps(_mm256_add_ps(rn, _mm256_loadu_ps(colNorms + j)), v), zero);
        unsigned m = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(v, _mm256_set1_ps(keys[0]), _CMP_NGT_UQ));
        while (m) {
            const int lane = __builtin_ctz(m);
            m &= m - 1;
            const float d = column_value(s[j + lane], rowNorm, colNorms, j + lane);
            if (!(d > keys[0])) sk_topk_offer(d, colIDs[j + lane], k, keys, ids, count);
        }
    }
    scan_row_portable(s, j, cols, rowNorm, colNorms, colIDs, k, keys, ids, count);
}
#endif

void sk_topk_scan(const float *scores, long rows, long cols, long ldc, const float *rowNorms, const float *colNorms,
                  const long *colIDs, long k, float *keys, long *ids, long *counts) {
#if defined(__x86_64__)
    const int level = sk_simd_level();
#endif
    for (long i = 0; i < rows; i++) {
        const float *s = scores + i * ldc;
        const float rn = colNorms ? rowNorms[i] : 0;
        float *hk = keys + i * k;
        long *hi = ids + i * k;
#if defined(__x86_64__)
        if (level == 2) { scan_row_avx512(s, cols, rn, colNorms, colIDs, k, hk, hi, counts + i); continue; }
        if (level == 1) { scan_row_avx2(s, cols, rn, colNorms, colIDs, k, hk, hi, counts + i); continue; }
#endif
        scan_row_portable(s, 0, cols, rn, colNorms, colIDs, k, hk, hi, counts + i);
    }
}

void sk_topk_sort(long k, float *keys, long *ids, long count) {
    // Pop the root (the worst) to the end until the heap is empty: ascending order, best first.
    for (long n = count; n > 1; n--) {
        const float d = keys[n - 1];
        const long id = ids[n - 1];
        keys[n - 1] = keys[0];
        ids[n - 1] = ids[0];
        long size = n - 1;
        long c = 0;
        (void)k;
        // Re-insert (d, id) from the root of the heap of `size` elements.
        for (;;) {
            const long left = 2 * c + 1;
            if (left >= size) break;
            long child = left;
            if (left + 1 < size && worse(keys[left + 1], ids[left + 1], keys[left], ids[left])) child = left + 1;
            if (!worse(keys[child], ids[child], d, id)) break;
            keys[c] = keys[child];
            ids[c] = ids[child];
            c = child;
        }
        keys[c] = d;
        ids[c] = id;
    }
}

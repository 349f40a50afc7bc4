// Not an ordinary header: a kernel file includes it before its kernel body (written once with these
// macros), then includes SIMDUndef.h and the next instruction set's macros. See DirectConv.c.
// ---- AVX2 + FMA: 8 lanes, 16 registers (4 channels × 3 vectors of accumulators; 2 × 6 for the weight gradient).
#define SK_TARGET __attribute__((target("avx2,fma")))
#define SK_NAME(x) x##_avx2
#define VEC __m256
#define LANES 8
#define MASK_T __m256i
#define MASK_FOR(rem) _mm256_cmpgt_epi32(_mm256_set1_epi32((int)((rem) > 8 ? 8 : (rem))), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define LOADM(m, p) _mm256_maskload_ps((p), (m))
#define LOAD(p) _mm256_loadu_ps(p)
#define STORE(p, v) _mm256_storeu_ps((p), (v))
#define STOREM(p, m, v) _mm256_maskstore_ps((p), (m), (v))
#define ZERO() _mm256_setzero_ps()
#define SET1(x) _mm256_set1_ps(x)
#define FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define ADD(a, b) _mm256_add_ps((a), (b))
#define HSUM(v) hsum_avx2(v)
#define MASK_AND_NOT(a, b) _mm256_andnot_si256((a), (b))
#define FWD_PB_MAX 3
#define WG_T_MAX 6
#define SK_DIRECT_STORE 0  // masked stores are slow with AVX2 on AMD: crop from a wide buffer instead
static SK_TARGET inline float hsum_avx2(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

// Element-wise and integer operations of the row kernels (SoftmaxRowKernels.h) and their vector eˣ.
#define MUL(a, b) _mm256_mul_ps((a), (b))
#define SUB(a, b) _mm256_sub_ps((a), (b))
#define VMAX(a, b) _mm256_max_ps((a), (b))
#define VMIN(a, b) _mm256_min_ps((a), (b))
#define FNMADD(a, b, c) _mm256_fnmadd_ps((a), (b), (c))
#define HMAX(v) hmax_avx2(v)
#define VECI __m256i
#define SET1I(x) _mm256_set1_epi32(x)
#define IADD(a, b) _mm256_add_epi32((a), (b))
#define ISUB(a, b) _mm256_sub_epi32((a), (b))
#define ISRAI(a, n) _mm256_srai_epi32((a), (n))
#define ISLLI(a, n) _mm256_slli_epi32((a), (n))
#define BITS_TO_INT(v) _mm256_castps_si256(v)
#define BITS_TO_FLOAT(i) _mm256_castsi256_ps(i)
// Lanes where `x pred y` (a _CMP_… predicate) take `a`, the others `b`.
#define SELECT_IF(x, y, pred, a, b) _mm256_blendv_ps((b), (a), _mm256_cmp_ps((x), (y), (pred)))
static SK_TARGET inline float hmax_avx2(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

// Register blocks: the kernels unroll every loop over a block dimension, so the accumulators stay in registers.
#define SK_UNROLL _Pragma("clang loop unroll(full)")

// Lanes l with lo ≤ l < hi.
#define SK_RANGE(lo, hi) MASK_AND_NOT(MASK_FOR(lo), MASK_FOR(hi))


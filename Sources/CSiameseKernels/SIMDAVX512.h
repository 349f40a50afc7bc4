// Not an ordinary header: a kernel file includes it before its kernel body (written once with these
// macros), then includes SIMDUndef.h and the next instruction set's macros. See DirectConv.c.
// ---- AVX-512F: 16 lanes, 32 registers (4 × 6 accumulators; 2 × 12 for the weight gradient).
#define SK_TARGET __attribute__((target("avx512f")))
#define SK_NAME(x) x##_avx512
#define VEC __m512
#define LANES 16
#define MASK_T __mmask16
#define MASK_FOR(rem) ((__mmask16)((rem) >= 16 ? 0xFFFF : ((rem) <= 0 ? 0 : ((1u << (rem)) - 1u))))
#define LOADM(m, p) _mm512_maskz_loadu_ps((m), (p))
#define LOAD(p) _mm512_loadu_ps(p)
#define STORE(p, v) _mm512_storeu_ps((p), (v))
#define STOREM(p, m, v) _mm512_mask_storeu_ps((p), (m), (v))
#define ZERO() _mm512_setzero_ps()
#define SET1(x) _mm512_set1_ps(x)
#define FMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define ADD(a, b) _mm512_add_ps((a), (b))
#define HSUM(v) _mm512_reduce_add_ps(v)
#define MASK_AND_NOT(a, b) ((__mmask16)(~(a) & (b)))
#define FWD_PB_MAX 6
#define WG_T_MAX 12
#define SK_DIRECT_STORE 1  // masked stores are cheap: write each row straight into the output

// Element-wise and integer operations of the row kernels (SoftmaxRowKernels.h) and their vector eˣ.
#define MUL(a, b) _mm512_mul_ps((a), (b))
#define SUB(a, b) _mm512_sub_ps((a), (b))
#define VMAX(a, b) _mm512_max_ps((a), (b))
#define VMIN(a, b) _mm512_min_ps((a), (b))
#define FNMADD(a, b, c) _mm512_fnmadd_ps((a), (b), (c))
#define HMAX(v) _mm512_reduce_max_ps(v)
#define VECI __m512i
#define SET1I(x) _mm512_set1_epi32(x)
#define IADD(a, b) _mm512_add_epi32((a), (b))
#define ISUB(a, b) _mm512_sub_epi32((a), (b))
#define ISRAI(a, n) _mm512_srai_epi32((a), (n))
#define ISLLI(a, n) _mm512_slli_epi32((a), (n))
#define BITS_TO_INT(v) _mm512_castps_si512(v)
#define BITS_TO_FLOAT(i) _mm512_castsi512_ps(i)
// Lanes where `x pred y` (a _CMP_… predicate) take `a`, the others `b`.
#define SELECT_IF(x, y, pred, a, b) _mm512_mask_blend_ps(_mm512_cmp_ps_mask((x), (y), (pred)), (b), (a))

// Register blocks: the kernels unroll every loop over a block dimension, so the accumulators stay in registers.
#define SK_UNROLL _Pragma("clang loop unroll(full)")

// Lanes l with lo ≤ l < hi.
#define SK_RANGE(lo, hi) MASK_AND_NOT(MASK_FOR(lo), MASK_FOR(hi))


// Undefines the macros of SIMDAVX2.h / SIMDAVX512.h, so the next set can be defined.
#undef SK_TARGET
#undef SK_NAME
#undef VEC
#undef LANES
#undef MASK_T
#undef MASK_FOR
#undef LOADM
#undef LOAD
#undef STORE
#undef STOREM
#undef ZERO
#undef SET1
#undef FMA
#undef ADD
#undef HSUM
#undef MASK_AND_NOT
#undef FWD_PB_MAX
#undef WG_T_MAX
#undef SK_DIRECT_STORE

#undef SK_RANGE
#undef SK_UNROLL

// The one C header SiameseKit needs from OpenBLAS: the CBLAS interface plus its thread-count setter.
#include <cblas.h>

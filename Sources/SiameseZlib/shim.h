// zlib, for gzip-compressed data sets (IDX .gz files).
#include <zlib.h>

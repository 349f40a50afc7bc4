// libpng's simplified read API (png_image), for PNG data sets.
#include <png.h>

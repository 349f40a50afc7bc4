// libjpeg-turbo's TurboJPEG API: errors come back as return codes (libjpeg's own API reports them with longjmp).
#include <turbojpeg.h>

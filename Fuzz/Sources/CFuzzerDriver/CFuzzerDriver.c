// Declarations only: the definition is libFuzzer's (linked by scripts/fuzz.sh).
#include "CFuzzerDriver.h"

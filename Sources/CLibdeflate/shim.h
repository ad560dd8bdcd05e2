#ifndef SWIFTLOADERS_CLIBDEFLATE_SHIM_H
#define SWIFTLOADERS_CLIBDEFLATE_SHIM_H
// libdeflate decompresses whole in-memory gzip members 2-3x faster than zlib's streaming inflate.
#include <libdeflate.h>
#endif

#ifndef SWIFTLOADERS_COPENBLAS_SHIM_H
#define SWIFTLOADERS_COPENBLAS_SHIM_H
// OpenBLAS's CBLAS interface (Debian: libopenblas-dev; pkg-config adds the variant's include path).
#include <cblas.h>
#endif

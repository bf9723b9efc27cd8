#ifndef BERTKIT_COPENBLAS_SHIM_H
#define BERTKIT_COPENBLAS_SHIM_H
#include <cblas.h>
// Declared by OpenBLAS; repeated here so the thread count can be set from Swift whatever cblas.h declares.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif

// Weights packed once at load into the micro-kernels' panel layout.
#include "internal.h"

ptrdiff_t bk_panel_width(bk_isa isa) {
    const bk_isa_ops *ops = bk_ops(isa);
    return ops ? ops->nr : 0;
}

ptrdiff_t bk_packed_floats(bk_isa isa, ptrdiff_t n, ptrdiff_t k) {
    const ptrdiff_t nr = bk_panel_width(isa);
    if (nr <= 0 || n <= 0 || k <= 0) return 0;
    return (n + nr - 1) / nr * nr * k;
}

void bk_pack(bk_isa isa, const float *w, ptrdiff_t n, ptrdiff_t k, float *out) {
    const ptrdiff_t nr = bk_panel_width(isa);
    if (nr <= 0) return;
    const ptrdiff_t panels = (n + nr - 1) / nr;
    for (ptrdiff_t p = 0; p < panels; p++) {
        float *panel = out + p * k * nr;
        for (ptrdiff_t j = 0; j < nr; j++) {
            const ptrdiff_t o = p * nr + j;
            if (o < n) {
                const float *row = w + o * k;
                for (ptrdiff_t i = 0; i < k; i++) panel[i * nr + j] = row[i];
            } else {
                for (ptrdiff_t i = 0; i < k; i++) panel[i * nr + j] = 0;
            }
        }
    }
}

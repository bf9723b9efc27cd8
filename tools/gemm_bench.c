/* GFLOP/s of BertKit's packed GEMM (every instruction set this CPU runs) against OpenBLAS's cblas_sgemm on the
 * products of BERT-family layers, alternated shape by shape so the machine's drift hits both alike.
 * Build: make gemm-bench (clang -O2 with Sources/CBertKernels/include, every .c of that target and this file,
 *        -lopenblas -lpthread -lm). Usage: gemm_bench THREADS [SECONDS_PER_CELL]
 * OpenBLAS runs the kernel its build picks for this CPU (OPENBLAS_CORETYPE overrides it, e.g. SkylakeX, Zen). */
#include "bertkernels.h"
#include "isa_names.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct {
    int m, n, k;
    const float *a, *w, *packed, *bias;
    float *c;
    int threads;
    bk_isa isa;
} cell;

static void run_ours(const cell *x) {
    bk_gemm_desc d = {.isa = x->isa, .m = x->m, .n = x->n, .k = x->k, .a = x->a, .lda = x->k, .packed = x->packed,
                      .c = x->c, .ldc = x->n, .epilogue = BK_EPILOGUE_BIAS, .bias = x->bias};
    bk_gemm(bk_pool_shared(), x->threads, &d);
}

static void run_blas(const cell *x) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, x->m, x->n, x->k, 1, x->a, x->k, x->w, x->k, 0, x->c, x->n);
}

static double rate(void (*f)(const cell *), const cell *x, double seconds) {
    f(x);
    int reps = 0;
    double start = now(), elapsed;
    do {
        f(x);
        reps++;
    } while ((elapsed = now() - start) < seconds);
    return 2.0 * x->m * x->n * x->k * reps / elapsed / 1e9;
}

int main(int argc, char **argv) {
    const int threads = argc > 1 ? atoi(argv[1]) : 1;
    const double seconds = argc > 2 ? atof(argv[2]) : 0.5;
    openblas_set_num_threads(threads);
    /* (n, k): MiniLM's QKV, FFN in/out; BERT-base's QKV, attention output, FFN in/out. */
    const int nk[][2] = {{1152, 384}, {1536, 384}, {384, 1536}, {2304, 768}, {768, 768}, {3072, 768}, {768, 3072}};
    const int ms[] = {16, 64, 512, 2048};
    bk_isa isas[3];
    int count = 0;
    for (int i = BK_ISA_AVX512; i >= BK_ISA_PORTABLE; i--)
        if (bk_isa_supported((bk_isa)i)) isas[count++] = (bk_isa)i;
    if (bk_isa_supported(BK_ISA_NEON)) isas[count++] = BK_ISA_NEON;
    double best[4] = {0}, blas_best = 0;
    for (unsigned s = 0; s < sizeof nk / sizeof nk[0]; s++) {
        for (unsigned mi = 0; mi < sizeof ms / sizeof ms[0]; mi++) {
            const int m = ms[mi], n = nk[s][0], k = nk[s][1];
            float *a = malloc(sizeof(float) * m * k), *w = malloc(sizeof(float) * n * k), *c = malloc(sizeof(float) * m * n);
            float *bias = calloc(n, sizeof(float));
            for (long i = 0; i < (long)m * k; i++) a[i] = (float)(i % 7) * 1e-3f;
            for (long i = 0; i < (long)n * k; i++) w[i] = (float)(i % 5) * 1e-3f;
            printf("{\"m\": %d, \"n\": %d, \"k\": %d, \"threads\": %d", m, n, k, threads);
            for (int i = 0; i < count; i++) {
                float *packed = aligned_alloc(64, ((size_t)bk_packed_floats(isas[i], n, k) * 4 + 63) / 64 * 64);
                bk_pack(isas[i], w, n, k, packed);
                cell x = {m, n, k, a, w, packed, bias, c, threads, isas[i]};
                const double g = rate(run_ours, &x, seconds);
                if (g > best[isas[i]]) best[isas[i]] = g;
                printf(", \"bertkit_%s\": %.1f", isa_name(isas[i]), g);
                free(packed);
            }
            cell x = {m, n, k, a, w, 0, bias, c, threads, isas[0]};
            const double g = rate(run_blas, &x, seconds);
            if (g > blas_best) blas_best = g;
            printf(", \"openblas\": %.1f}\n", g);
            free(a); free(w); free(c); free(bias);
        }
    }
    printf("{\"best\": {");
    for (int i = 0; i < count; i++) printf("\"bertkit_%s\": %.1f, ", isa_name(isas[i]), best[isas[i]]);
    printf("\"openblas\": %.1f}, \"openblas_config\": \"%s\"}\n", blas_best, openblas_get_config());
    return 0;
}

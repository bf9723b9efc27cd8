/* The machine's single-precision GEMM ceiling through the same OpenBLAS BertKit links: the best GFLOP/s of
 * cblas_sgemm over a few large shapes, each timed for about a second. Usage: gemm_ceiling THREADS */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    openblas_set_num_threads(threads);
    const int shapes[][3] = {{1024, 1024, 1024}, {2048, 3072, 768}, {2048, 768, 3072}, {2048, 1536, 384}};
    double best = 0;
    for (int s = 0; s < 4; s++) {
        int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * n * k), *c = malloc(sizeof(float) * m * n);
        for (long i = 0; i < (long)m * k; i++) a[i] = (float)(i % 7) * 1e-3f;
        for (long i = 0; i < (long)n * k; i++) b[i] = (float)(i % 5) * 1e-3f;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, b, k, 0, c, n);
        int reps = 0;
        double start = now();
        while (now() - start < 1.0) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, b, k, 0, c, n);
            reps++;
        }
        double gflops = 2.0 * m * n * k * reps / (now() - start) / 1e9;
        printf("{\"m\": %d, \"n\": %d, \"k\": %d, \"threads\": %d, \"gflops\": %.1f}\n", m, n, k, threads, gflops);
        if (gflops > best) best = gflops;
        free(a); free(b); free(c);
    }
    printf("{\"ceiling_gflops\": %.1f}\n", best);
    return 0;
}

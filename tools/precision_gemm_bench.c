/* Throughput of BertKit's packed GEMM in each weight format (fp32, bf16, fp16, int8) on the products of
 * BERT-family layers, for one instruction set, formats alternated shape by shape so the machine's drift hits all
 * alike. int8 counts multiply-adds like fp32 (GOP/s = 2·m·n·k / s), its activation quantization included.
 * Build: make precision-gemm-bench. Usage: precision_gemm_bench ISA THREADS [SECONDS_PER_CELL]
 * (ISA: portable, avx2, avx_vnni, avx512, avx512_vnni, avx512_bf16, neon). */
#include "bertkernels.h"
#include "isa_names.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    bk_isa isa = bk_isa_best();
    if (argc > 1) {
        for (int i = 0; i < BK_ISA_COUNT; i++)
            if (!strcmp(argv[1], isa_name((bk_isa)i))) isa = (bk_isa)i;
    }
    if (!bk_isa_supported(isa)) {
        fprintf(stderr, "instruction set %s is not supported here\n", isa_name(isa));
        return 1;
    }
    const int threads = argc > 2 ? atoi(argv[2]) : 1;
    const double seconds = argc > 3 ? atof(argv[3]) : 0.3;
    const int nk[][2] = {{1152, 384}, {1536, 384}, {384, 1536}, {2304, 768}, {3072, 768}, {768, 3072}};
    const int ms[] = {1, 16, 256, 1024};
    const bk_format formats[] = {BK_FORMAT_F32, BK_FORMAT_BF16, BK_FORMAT_F16, BK_FORMAT_I8};
    const char *names[] = {"fp32", "bf16", "fp16", "int8"};
    for (unsigned s = 0; s < sizeof nk / sizeof nk[0]; s++) {
        for (unsigned mi = 0; mi < sizeof ms / sizeof ms[0]; mi++) {
            const int m = ms[mi], n = nk[s][0], k = nk[s][1];
            float *a = malloc(sizeof(float) * m * k), *w = malloc(sizeof(float) * n * k), *c = malloc(sizeof(float) * m * n);
            float *bias = calloc(n, sizeof(float));
            for (long i = 0; i < (long)m * k; i++) a[i] = (float)((i * 37) % 101 - 50) * 1e-2f;
            for (long i = 0; i < (long)n * k; i++) w[i] = (float)((i * 53) % 97 - 48) * 1e-3f;
            printf("{\"isa\": \"%s\", \"m\": %d, \"n\": %d, \"k\": %d, \"threads\": %d", isa_name(isa), m, n, k, threads);
            for (int f = 0; f < 4; f++) {
                void *packed = aligned_alloc(64, ((size_t)bk_packed_bytes(isa, formats[f], n, k) + 63) / 64 * 64);
                bk_pack_format(isa, formats[f], w, n, k, packed);
                bk_gemm_desc d = {.isa = isa, .m = m, .n = n, .k = k, .a = a, .lda = k, .packed = packed,
                                  .format = formats[f], .c = c, .ldc = n, .epilogue = BK_EPILOGUE_BIAS, .bias = bias};
                bk_gemm(bk_pool_shared(), threads, &d);
                int reps = 0;
                double start = now(), elapsed;
                do {
                    bk_gemm(bk_pool_shared(), threads, &d);
                    reps++;
                } while ((elapsed = now() - start) < seconds);
                printf(", \"%s\": %.1f", names[f], 2.0 * m * n * k * reps / elapsed / 1e9);
                free(packed);
            }
            printf("}\n");
            free(a); free(w); free(c); free(bias);
        }
    }
    return 0;
}

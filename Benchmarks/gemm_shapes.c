/* The matrix products of one training step (batch 64) of the networks in Docs/Performance.md,
 * timed with single-threaded OpenBLAS as the training core calls it: the floor the products set
 * on an epoch, whatever the rest of the step costs.
 *
 *   cc -O2 Benchmarks/gemm_shapes.c -lopenblas -o /tmp/gemm_shapes && /tmp/gemm_shapes
 *
 * Each line: the product as m x n x k (row-major), how many per step, milliseconds per step
 * (median of 15 repetitions) and the rate in GFLOP/s. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Times `count` products c[m x n] = op(a) op(b) (+ c when beta is 1); returns ms per step. */
static double product(const char *what, int ta, int tb, int m, int n, int k, int count, float beta) {
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *c = malloc(sizeof(float) * m * n);
    for (long i = 0; i < (long)m * k; i++) a[i] = (float)(i % 7) * 0.1f;
    for (long i = 0; i < (long)k * n; i++) b[i] = (float)(i % 5) * 0.1f;
    for (long i = 0; i < (long)m * n; i++) c[i] = 0;
    int lda = ta ? m : k, ldb = tb ? k : n;
    double times[15];
    for (int r = 0; r < 15; r++) {
        double start = now();
        for (int i = 0; i < count; i++)
            cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                        m, n, k, 1, a, lda, b, ldb, beta, c, n);
        times[r] = now() - start;
    }
    qsort(times, 15, sizeof(double), compare);
    double ms = times[7] * 1e3;
    printf("  %-34s %5d x %5d x %5d  x%-3d %8.3f ms  %6.1f GFLOP/s\n", what, m, n, k, count, ms,
           2.0 * m * n * k * count / times[7] * 1e-9);
    free(a); free(b); free(c);
    return ms;
}

int main(void) {
    openblas_set_num_threads(1);
    double total;
    printf("seed CNN, as trained (linear split by the batch across two threads)\n");
    total = product("conv forward", 0, 0, 32, 676, 9, 64, 1)
          + product("conv weight gradient", 0, 1, 32, 9, 676, 64, 1)
          + product("linear forward, half batch", 0, 1, 32, 10, 21632, 2, 0)
          + product("linear weight gradient, half batch", 1, 0, 10, 21632, 32, 2, 0)
          + product("linear input gradient, 8 images", 0, 0, 8, 21632, 10, 8, 1);
    printf("  step total %.2f ms on one thread\n", total);
    printf("examples net, per image (as trained)\n");
    total = product("conv1 forward", 0, 0, 32, 676, 9, 64, 1)
          + product("conv1 weight gradient", 0, 1, 32, 9, 676, 64, 1)
          + product("conv2 forward", 0, 0, 64, 576, 288, 64, 1)
          + product("conv2 weight gradient", 0, 1, 64, 288, 576, 64, 1)
          + product("conv2 input gradient (columns)", 1, 0, 288, 576, 64, 64, 0)
          + product("linear1 forward", 0, 1, 64, 128, 9216, 1, 0)
          + product("linear1 weight gradient", 1, 0, 128, 9216, 64, 1, 1)
          + product("linear1 input gradient", 0, 0, 64, 9216, 128, 1, 1)
          + product("linear2 (all three)", 0, 1, 64, 10, 128, 3, 0);
    printf("  step total %.2f ms on one thread\n", total);
    printf("examples net, conv2 with 8 images per product\n");
    total = product("conv2 forward", 0, 0, 64, 4608, 288, 8, 1)
          + product("conv2 weight gradient", 0, 1, 64, 288, 4608, 8, 1)
          + product("conv2 input gradient (columns)", 1, 0, 288, 4608, 64, 8, 0);
    printf("  conv2 total %.2f ms on one thread\n", total);
    printf("LeNet-5, per image (as trained)\n");
    total = product("conv1 forward", 0, 0, 6, 784, 25, 64, 1)
          + product("conv1 weight gradient", 0, 1, 6, 25, 784, 64, 1)
          + product("conv2 forward", 0, 0, 16, 100, 150, 64, 1)
          + product("conv2 weight gradient", 0, 1, 16, 150, 100, 64, 1)
          + product("conv2 input gradient (columns)", 1, 0, 150, 100, 16, 64, 0)
          + product("linear1 forward", 0, 1, 64, 120, 400, 1, 0)
          + product("linear1 weight gradient", 1, 0, 120, 400, 64, 1, 1)
          + product("linear1 input gradient", 0, 0, 64, 400, 120, 1, 1)
          + product("linear2 and 3 (all three each)", 0, 1, 64, 84, 120, 6, 0);
    printf("  step total %.2f ms on one thread\n", total);
    printf("LeNet-5, convolutions with 16 images per product\n");
    total = product("conv1 forward", 0, 0, 6, 12544, 25, 4, 1)
          + product("conv1 weight gradient", 0, 1, 6, 25, 12544, 4, 1)
          + product("conv2 forward", 0, 0, 16, 1600, 150, 4, 1)
          + product("conv2 weight gradient", 0, 1, 16, 150, 1600, 4, 1)
          + product("conv2 input gradient (columns)", 1, 0, 150, 1600, 16, 4, 0);
    printf("  convolutions %.2f ms on one thread\n", total);
    return 0;
}

/* How fast this machine's first two cores move data between each other, against how fast each
 * streams its own: the measure that tells whether a two-thread training step, which hands
 * activations, gradients and weights between its threads, will run at its usual speed.
 *
 *   cc -O2 -pthread Benchmarks/core_sharing.c -o /tmp/core_sharing && /tmp/core_sharing
 *
 * private: each core adds 1 to every float of its own 4 MB buffer, 300 times (GB/s read and
 *          written, both cores together).
 * shared:  the two cores take turns doing the same to one 4 MB buffer, 200 turns each, so every
 *          turn moves the buffer from the other core's cache.
 * write-after-read: both cores read a whole 865 KB buffer (a weight both use), then each
 *          updates its own half, as an optimizer's step does after a forward pass; against the
 *          same update when each core read only its own half (µs per update). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUFFER (4 << 20)
#define WEIGHTS 216320

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void pin(int core) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(core, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void add_one(float *b, size_t n) {
    for (size_t i = 0; i < n; i++) b[i] += 1.0f;
    __asm__ volatile("" ::: "memory");
}

/* private */
static void *own_buffer(void *core) {
    pin(*(int *)core);
    float *b = aligned_alloc(64, BUFFER);
    memset(b, 0, BUFFER);
    for (int r = 0; r < 300; r++) add_one(b, BUFFER / 4);
    free(b);
    return NULL;
}

/* shared */
static float *shared_buffer;
static _Atomic int turn;
static void *take_turns(void *core) {
    int me = *(int *)core;
    pin(me);
    for (int r = 0; r < 200; r++) {
        while (atomic_load(&turn) != 2 * r + me) {}
        add_one(shared_buffer, BUFFER / 4);
        atomic_store(&turn, 2 * r + me + 1);
    }
    return NULL;
}

/* write-after-read */
static float *weights, *moments[2];
static _Atomic int arrived;
static int read_all;
static double update_seconds[2];
static void barrier(int *generation) {
    *generation += 2;
    atomic_fetch_add(&arrived, 1);
    while (atomic_load(&arrived) < *generation) {}
}
static void *read_then_update(void *core) {
    int me = *(int *)core, generation = 0;
    pin(me);
    size_t lo = me * WEIGHTS / 2, hi = (me + 1) * WEIGHTS / 2;
    volatile float sink = 0;
    for (int r = 0; r < 400; r++) {
        float sum = 0;
        for (size_t i = read_all ? 0 : lo; i < (read_all ? WEIGHTS : hi); i++) sum += weights[i];
        sink += sum;
        barrier(&generation);
        double start = now();
        for (size_t i = lo; i < hi; i++) {
            moments[me][i - lo] = 0.9f * moments[me][i - lo] + 1e-4f;
            weights[i] -= 0.001f * moments[me][i - lo];
        }
        update_seconds[me] += now() - start;
        barrier(&generation);
    }
    return NULL;
}

static double run_pair(void *(*body)(void *)) {
    int cores[2] = {0, 1};
    pthread_t other;
    double start = now();
    pthread_create(&other, NULL, body, &cores[1]);
    body(&cores[0]);
    pthread_join(other, NULL);
    return now() - start;
}

static double update_microseconds(int all) {
    read_all = all;
    atomic_store(&arrived, 0);
    update_seconds[0] = update_seconds[1] = 0;
    run_pair(read_then_update);
    return (update_seconds[0] + update_seconds[1]) / 2 / 400 * 1e6;
}

int main(void) {
    double seconds = run_pair(own_buffer);
    printf("private %.1f GB/s\n", 2.0 * 300 * 2 * BUFFER / seconds / 1e9);

    shared_buffer = aligned_alloc(64, BUFFER);
    memset(shared_buffer, 0, BUFFER);
    seconds = run_pair(take_turns);
    printf("shared %.1f GB/s\n", 2.0 * 200 * 2 * BUFFER / seconds / 1e9);

    weights = aligned_alloc(64, WEIGHTS * sizeof(float));
    memset(weights, 0, WEIGHTS * sizeof(float));
    for (int c = 0; c < 2; c++) moments[c] = calloc(WEIGHTS / 2, sizeof(float));
    double own = update_microseconds(0), both = update_microseconds(1);
    printf("write-after-read %.0f us per update, %.0f us when only the owner read it (%.2fx)\n", both, own, both / own);
    return 0;
}

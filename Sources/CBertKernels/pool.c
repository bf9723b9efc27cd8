// A persistent thread pool: one fork/join per call, workers that spin briefly between jobs and then park on a
#define _GNU_SOURCE
// condition variable. The caller is worker 0. The job word packs (generation << 16 | participants), so a worker
// learns from one atomic load both that a job started and whether it takes part.
#include "internal.h"
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__x86_64__)
#define BK_RELAX() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define BK_RELAX() __asm__ volatile("yield")
#else
#define BK_RELAX() ((void)0)
#endif

/// Relax iterations a worker spins before parking (a pause is 40-150 cycles: roughly 0.3-1 ms in all).
#define BK_SPIN 8192

struct bk_pool {
    int threads;
    _Atomic unsigned long long job;
    _Atomic int busy;
    // The current job; written by the caller before `job` is published, read by participants after.
    bk_task_fn fn;
    void *ctx;
    ptrdiff_t count;
    _Atomic ptrdiff_t next;
    _Atomic int finished;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    _Atomic int sleepers;
};

typedef struct {
    bk_pool *pool;
    int index;
} bk_worker_arg;

static void run_tasks(bk_pool *pool, int worker) {
    for (;;) {
        const ptrdiff_t task = atomic_fetch_add_explicit(&pool->next, 1, memory_order_relaxed);
        if (task >= pool->count) return;
        pool->fn(pool->ctx, task, worker);
    }
}

static void *worker_main(void *raw) {
    bk_worker_arg arg = *(bk_worker_arg *)raw;
    free(raw);
    bk_pool *pool = arg.pool;
    unsigned long long seen = 0;  // the job word's value before the first job, whenever this thread starts
    for (;;) {
        unsigned long long job;
        int spins = 0;
        while ((job = atomic_load(&pool->job)) == seen) {
            if (++spins < BK_SPIN) {
                BK_RELAX();
                continue;
            }
            pthread_mutex_lock(&pool->lock);
            atomic_fetch_add(&pool->sleepers, 1);
            while (atomic_load(&pool->job) == seen) pthread_cond_wait(&pool->wake, &pool->lock);
            atomic_fetch_sub(&pool->sleepers, 1);
            pthread_mutex_unlock(&pool->lock);
            spins = 0;
        }
        seen = job;
        const int participants = (int)(job & 0xFFFF);
        if (arg.index < participants) {
            run_tasks(pool, arg.index);
            atomic_fetch_add_explicit(&pool->finished, 1, memory_order_release);
        }
    }
}

static int available_cores(void) {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
#endif
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static bk_pool *shared_pool;
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;

static void make_shared_pool(void) {
    bk_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return;
    int threads = available_cores();
    if (threads > 0xFFFF) threads = 0xFFFF;
    pool->threads = 1;
    pthread_mutex_init(&pool->lock, 0);
    pthread_cond_init(&pool->wake, 0);
    // The workers live as long as the process (the pool is never torn down), so they are detached.
    for (int i = 1; i < threads; i++) {
        bk_worker_arg *arg = malloc(sizeof *arg);
        if (!arg) break;
        arg->pool = pool;
        arg->index = i;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 1 << 20);
        pthread_t handle;
        const int failed = pthread_create(&handle, &attr, worker_main, arg);
        pthread_attr_destroy(&attr);
        if (failed) {
            free(arg);
            break;
        }
        pthread_detach(handle);
        pool->threads = i + 1;
    }
    shared_pool = pool;
}

bk_pool *bk_pool_shared(void) {
    pthread_once(&shared_once, make_shared_pool);
    return shared_pool;
}


void bk_pool_run(bk_pool *pool, int workers, ptrdiff_t count, bk_task_fn fn, void *ctx) {
    if (count <= 0) return;
    int participants = workers < 1 ? 1 : workers;
    if (pool && participants > pool->threads) participants = pool->threads;
    if ((ptrdiff_t)participants > count) participants = (int)count;
    // One thread, no pool, or the pool busy with another caller's job: run here.
    if (participants <= 1 || !pool || atomic_exchange(&pool->busy, 1)) {
        for (ptrdiff_t task = 0; task < count; task++) fn(ctx, task, 0);
        return;
    }
    pool->fn = fn;
    pool->ctx = ctx;
    pool->count = count;
    atomic_store_explicit(&pool->next, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->finished, 0, memory_order_relaxed);
    const unsigned long long generation = (atomic_load(&pool->job) >> 16) + 1;
    atomic_store(&pool->job, (generation << 16) | (unsigned long long)participants);
    if (atomic_load(&pool->sleepers) > 0) {
        pthread_mutex_lock(&pool->lock);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->lock);
    }
    run_tasks(pool, 0);
    int spins = 0;
    while (atomic_load_explicit(&pool->finished, memory_order_acquire) < participants - 1) {
        if (++spins < BK_SPIN) BK_RELAX();
        else sched_yield();
    }
    atomic_store_explicit(&pool->busy, 0, memory_order_release);
}

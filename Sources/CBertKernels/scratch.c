// Per-thread scratch for the products that convert their activations first (int8 levels, bf16 pairs): each pool
// worker and each calling thread keeps one buffer, grown as needed and freed when the thread exits.
#include "internal.h"
#include <pthread.h>
#include <stdlib.h>

typedef struct {
    void *memory;
    size_t capacity;
} scratch_buffer;

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;
/// Bytes a thread's scratch may hold (0: no cap).
static _Atomic size_t limit;

static void release(void *p) {
    scratch_buffer *s = p;
    free(s->memory);
    free(s);
}

static void make_key(void) {
    (void)pthread_key_create(&key, release);
    const char *text = getenv("BERTKIT_SCRATCH_LIMIT");
    if (text && *text) atomic_store(&limit, (size_t)strtoull(text, 0, 10));
}

void bk_set_scratch_limit(size_t bytes) {
    (void)pthread_once(&once, make_key);
    atomic_store(&limit, bytes);
}

void *bk_thread_scratch(size_t bytes) {
    (void)pthread_once(&once, make_key);
    const size_t cap = atomic_load_explicit(&limit, memory_order_relaxed);
    if (cap && bytes > cap) return 0;
    scratch_buffer *s = pthread_getspecific(key);
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return 0;
        if (pthread_setspecific(key, s) != 0) {
            free(s);
            return 0;
        }
    }
    if (s->capacity < bytes) {
        const size_t capacity = (bytes + 4095) / 4096 * 4096;
        void *memory = aligned_alloc(64, capacity);
        if (!memory) return 0;
        free(s->memory);
        s->memory = memory;
        s->capacity = capacity;
    }
    return s->memory;
}

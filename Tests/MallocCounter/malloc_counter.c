// A malloc-counting LD_PRELOAD interposer for the allocation checks
// (scripts/check-allocations.sh). Every malloc, calloc, realloc, posix_memalign,
// aligned_alloc, memalign and valloc is counted, then forwarded to the next definition
// (glibc's, or a sanitizer's) found with dlsym(RTLD_NEXT).
//
//   fe_malloc_count()         allocations in the whole process so far
//   fe_malloc_thread_count()  allocations by the calling thread so far (a test measures its
//                             own loop; the test runner's other threads allocate at will)
//   fe_malloc_trace(on)       with MALLOC_COUNTER_TRAP set in the environment, print a
//                             backtrace of every allocation of the calling thread while on
//
// dlsym itself may call calloc (dlerror's buffer) before the real functions are known;
// those few requests are served from a static arena that free() recognises and ignores.

#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef void *(*malloc_fn)(size_t);
typedef void *(*calloc_fn)(size_t, size_t);
typedef void *(*realloc_fn)(void *, size_t);
typedef void (*free_fn)(void *);
typedef int (*posix_memalign_fn)(void **, size_t, size_t);
typedef void *(*aligned_alloc_fn)(size_t, size_t);

static malloc_fn real_malloc;
static calloc_fn real_calloc;
static realloc_fn real_realloc;
static free_fn real_free;
static posix_memalign_fn real_posix_memalign;
static aligned_alloc_fn real_aligned_alloc;
static aligned_alloc_fn real_memalign;
static malloc_fn real_valloc;

static _Atomic uint64_t total_count;
static __thread uint64_t thread_count;
static __thread int tracing;
static __thread int in_hook;
static int trap_enabled;

// Bootstrap arena for allocations made while dlsym runs (a few hundred bytes in practice).
static _Alignas(16) unsigned char arena[8192];
static _Atomic size_t arena_used;

static int in_arena(const void *p) {
    return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + sizeof arena;
}

static void *arena_alloc(size_t size) {
    size_t rounded = (size + 15) & ~(size_t)15;
    size_t offset = atomic_fetch_add(&arena_used, rounded);
    if (offset + rounded > sizeof arena) return NULL;
    return arena + offset;  // static storage: already zero, so calloc needs nothing more
}

static void resolve(void) {
    static _Atomic int resolving;
    if (real_malloc) return;
    if (atomic_exchange(&resolving, 1)) return;  // another thread is at it; arena meanwhile
    real_calloc = (calloc_fn)dlsym(RTLD_NEXT, "calloc");
    real_realloc = (realloc_fn)dlsym(RTLD_NEXT, "realloc");
    real_free = (free_fn)dlsym(RTLD_NEXT, "free");
    real_posix_memalign = (posix_memalign_fn)dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = (aligned_alloc_fn)dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = (aligned_alloc_fn)dlsym(RTLD_NEXT, "memalign");
    real_valloc = (malloc_fn)dlsym(RTLD_NEXT, "valloc");
    trap_enabled = getenv("MALLOC_COUNTER_TRAP") != NULL;
    // Last: a non-null real_malloc tells every other function that all are resolved.
    real_malloc = (malloc_fn)dlsym(RTLD_NEXT, "malloc");
}

static void count(void) {
    atomic_fetch_add_explicit(&total_count, 1, memory_order_relaxed);
    thread_count += 1;
    if (tracing && trap_enabled && !in_hook) {
        // backtrace() loads libgcc on its first call, which allocates: not traced again.
        in_hook = 1;
        void *frames[32];
        int depth = backtrace(frames, 32);
        static const char header[] = "--- malloc_counter: allocation at\n";
        ssize_t ignored = write(STDERR_FILENO, header, sizeof header - 1);
        (void)ignored;
        backtrace_symbols_fd(frames, depth, STDERR_FILENO);
        in_hook = 0;
    }
}

uint64_t fe_malloc_count(void) { return atomic_load(&total_count); }
uint64_t fe_malloc_thread_count(void) { return thread_count; }
void fe_malloc_trace(int on) { tracing = on; }

void *malloc(size_t size) {
    resolve();
    if (!real_malloc) return arena_alloc(size);
    count();
    return real_malloc(size);
}

void *calloc(size_t n, size_t size) {
    resolve();
    if (!real_malloc) {
        if (size != 0 && n > SIZE_MAX / size) return NULL;
        return arena_alloc(n * size);
    }
    count();
    return real_calloc(n, size);
}

void *realloc(void *p, size_t size) {
    resolve();
    if (in_arena(p) || !real_malloc) {
        // Only bootstrap blocks reach here; move them to the real heap (old size unknown,
        // so copy what is left of the arena after p, bounded by the new size).
        void *fresh = real_malloc ? real_malloc(size) : arena_alloc(size);
        if (fresh && p) {
            size_t available = (size_t)(arena + sizeof arena - (unsigned char *)p);
            memcpy(fresh, p, size < available ? size : available);
        }
        if (real_malloc) count();
        return fresh;
    }
    count();
    return real_realloc(p, size);
}

void free(void *p) {
    if (p == NULL || in_arena(p)) return;
    resolve();
    if (real_free) real_free(p);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    resolve();
    count();
    return real_posix_memalign(out, alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    resolve();
    count();
    return real_aligned_alloc(alignment, size);
}

void *memalign(size_t alignment, size_t size) {
    resolve();
    count();
    return real_memalign(alignment, size);
}

void *valloc(size_t size) {
    resolve();
    count();
    return real_valloc(size);
}

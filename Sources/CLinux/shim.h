// Linux-only declarations that Glibc's Swift overlay does not import:
// epoll, eventfd, timerfd, TCP options, malloc's statistics and trimming. Header-only; no
// code of our own.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/resource.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <pthread.h>
#include <sys/prctl.h>

/// Names the calling thread (prctl is variadic, which Swift cannot call directly).
static inline void flowcoach_set_thread_name(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

/// glibc's heap statistics and trimming (mallinfo2 needs glibc 2.33), declared here: including
/// <malloc.h> in this module makes libc's time and stdio types ambiguous to Swift.
struct mallinfo2 {
    size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
};
extern struct mallinfo2 mallinfo2(void);
extern int malloc_trim(size_t pad);

/// accept4(2) is a GNU extension; declared here because Glibc's module is built without _GNU_SOURCE.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

/// CPUs in the calling thread's affinity mask (taskset, cpusets), or 0 when unknown. The raw
/// system call because glibc's wrapper and CPU_COUNT need _GNU_SOURCE.
static inline int flowcoach_affinity_cpu_count(void) {
    unsigned long mask[64];  /* 4,096 CPUs */
    long bytes = syscall(SYS_sched_getaffinity, 0, sizeof mask, mask);
    if (bytes <= 0) return 0;
    int count = 0;
    for (long i = 0; i < bytes / (long)sizeof mask[0]; i++) count += __builtin_popcountl(mask[i]);
    return count;
}

/// Self-pipe for signals: the handler only writes the signal number to a pipe (async-signal
/// safe), so whichever thread the kernel picks, the main thread learns of it by reading.
static int flowcoach_signal_write_fd = -1;

static void flowcoach_signal_handler(int signal_number) {
    int saved = errno;
    unsigned char byte = (unsigned char)signal_number;
    ssize_t ignored = write(flowcoach_signal_write_fd, &byte, 1);
    (void)ignored;
    errno = saved;
}

/// Routes SIGINT, SIGTERM and SIGHUP to `write_fd`. Call once.
static inline int flowcoach_route_signals_to(int write_fd) {
    flowcoach_signal_write_fd = write_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = flowcoach_signal_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &action, 0) != 0) return -1;
    if (sigaction(SIGTERM, &action, 0) != 0) return -1;
    if (sigaction(SIGHUP, &action, 0) != 0) return -1;
    return 0;
}

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

/// The hot socket calls as plain system calls. In a process with more than one thread glibc
/// makes recv, send, sendmsg, read, write and epoll_wait cancellation points: two atomic
/// read-modify-writes of the thread's cancel state around every call, which a
/// single-threaded server (uWebSockets) never pays. Nothing here uses pthread_cancel, so
/// they buy nothing; `syscall` is not a cancellation point. Same results and errno.
static inline long flowcoach_recv(int fd, void *buffer, size_t length) {
    return syscall(SYS_recvfrom, fd, buffer, length, 0, (void *)0, (void *)0);
}

static inline long flowcoach_send(int fd, const void *buffer, size_t length, int flags) {
    return syscall(SYS_sendto, fd, buffer, length, flags, (void *)0, 0);
}

static inline long flowcoach_sendmsg(int fd, const struct msghdr *message, int flags) {
    return syscall(SYS_sendmsg, fd, message, flags);
}

/// An eventfd's counter, written and read (a loop's wake-up) without the cancellation points.
static inline long flowcoach_eventfd_add(int fd, unsigned long long value) {
    return syscall(SYS_write, fd, &value, sizeof value);
}

static inline long flowcoach_eventfd_take(int fd) {
    unsigned long long value = 0;
    return syscall(SYS_read, fd, &value, sizeof value);
}

/// epoll_pwait without a signal mask is epoll_wait (and the only form some architectures have).
static inline int flowcoach_epoll_wait(int epfd, struct epoll_event *events, int capacity, int timeout_ms) {
    return (int)syscall(SYS_epoll_pwait, epfd, events, capacity, timeout_ms, (void *)0, (size_t)8);
}

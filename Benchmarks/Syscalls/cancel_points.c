// Per-call cost of glibc's cancellable send/recv wrappers against syscall(2), in a process
// with a second thread (glibc takes the cancellation path only then), alternating rounds.
//
//     cc -O2 -pthread -o /tmp/cancel_points Benchmarks/Syscalls/cancel_points.c && /tmp/cancel_points
//
// LoopKit makes its per-message calls through syscall(2) for this difference
// (docs/ARCHITECTURE.md, "LoopKit"; docs/BENCHMARKS.md, "glibc's cancellation points").
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
static void *idle(void *arg) { (void)arg; pause(); return 0; }
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(void) {
    pthread_t thread; pthread_create(&thread, 0, idle, 0);
    int fds[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
    char buffer[64]; memset(buffer, 'a', sizeof buffer);
    const int n = 1000000;
    for (int round = 0; round < 6; round++) {
        double t0 = now();
        for (int i = 0; i < n; i++) { send(fds[0], buffer, 64, MSG_NOSIGNAL); recv(fds[1], buffer, 64, 0); }
        double t1 = now();
        for (int i = 0; i < n; i++) { syscall(SYS_sendto, fds[0], buffer, 64, MSG_NOSIGNAL, 0, 0); syscall(SYS_recvfrom, fds[1], buffer, 64, 0, 0, 0); }
        double t2 = now();
        printf("round %d: glibc %.1f ns per send+recv, syscall %.1f ns, difference %.1f ns\n", round, (t1 - t0) / n * 1e9, (t2 - t1) / n * 1e9, ((t1 - t0) - (t2 - t1)) / n * 1e9);
    }
    return 0;
}

// Linux-only declarations that Glibc's Swift overlay does not import:
// epoll, eventfd, timerfd, TCP options. Header-only; no code of our own.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/resource.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <pthread.h>

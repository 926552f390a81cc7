/*
 * loop: the one event loop every pxekit daemon runs.  It owns an epoll
 * instance, a min-heap of timers (millisecond resolution, monotonic clock)
 * and a signalfd for the signals the program asks for.  Callers own the
 * struct pxe_io and struct pxe_timer they register (usually embedded in
 * their per-client state), so registering allocates nothing except heap
 * growth.  Everything runs in one thread; callbacks may add, remove, arm and
 * cancel anything, including themselves.
 */
#ifndef PXE_LOOP_H
#define PXE_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pxe_loop;
struct pxe_io;
struct pxe_timer;

typedef void (*pxe_io_fn)(struct pxe_loop *loop, struct pxe_io *io,
    uint32_t events);
typedef void (*pxe_timer_fn)(struct pxe_loop *loop, struct pxe_timer *t);
typedef void (*pxe_signal_fn)(struct pxe_loop *loop, int signo, void *arg);

/* A file descriptor watched by the loop; arg is the caller's. */
struct pxe_io {
	int fd;
	pxe_io_fn fn;
	void *arg;
};

/* A one-shot timer; arg is the caller's.  idx is the loop's business. */
struct pxe_timer {
	uint64_t when;		/* monotonic ms */
	size_t idx;		/* position in the heap + 1; 0 = not armed */
	pxe_timer_fn fn;
	void *arg;
};

/* A new loop, or NULL with errno set. */
struct pxe_loop *pxe_loop_new(void);
void pxe_loop_free(struct pxe_loop *loop);

/* Watch io->fd for events (EPOLLIN, EPOLLOUT...).  0 or -errno. */
int pxe_loop_add(struct pxe_loop *loop, struct pxe_io *io, uint32_t events);
int pxe_loop_mod(struct pxe_loop *loop, struct pxe_io *io, uint32_t events);
/* Stop watching io (call before closing its fd).  0 or -errno. */
int pxe_loop_del(struct pxe_loop *loop, struct pxe_io *io);

static inline void
pxe_timer_init(struct pxe_timer *t, pxe_timer_fn fn, void *arg)
{
	t->when = 0;
	t->idx = 0;
	t->fn = fn;
	t->arg = arg;
}
static inline bool pxe_timer_armed(const struct pxe_timer *t) { return t->idx != 0; }
/* (Re)arm t to fire ms milliseconds from now.  0 or -ENOMEM. */
int pxe_timer_arm(struct pxe_loop *loop, struct pxe_timer *t, uint64_t ms);
/* Disarm t; harmless if it is not armed. */
void pxe_timer_cancel(struct pxe_loop *loop, struct pxe_timer *t);

/*
 * Deliver signo through the loop instead of asynchronously: the signal is
 * blocked and read from a signalfd.  0 or -errno.
 */
int pxe_loop_signal(struct pxe_loop *loop, int signo, pxe_signal_fn fn,
    void *arg);

/* The loop's idea of now (monotonic ms), refreshed once per iteration. */
uint64_t pxe_loop_now(const struct pxe_loop *loop);
/* Read the clock again (for callers that measure work inside a callback). */
uint64_t pxe_loop_update_now(struct pxe_loop *loop);

/* Run until pxe_loop_stop().  0, or -errno if epoll_wait fails. */
int pxe_loop_run(struct pxe_loop *loop);
void pxe_loop_stop(struct pxe_loop *loop);

/* Monotonic clock in ms and in ns. */
uint64_t pxe_now_ms(void);
uint64_t pxe_now_ns(void);

#endif

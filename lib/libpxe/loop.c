/* loop: epoll, a timer heap and a signalfd; see loop.h. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

#define MAX_EVENTS	256
#define MAX_SIGNALS	65

struct sig_handler {
	pxe_signal_fn fn;
	void *arg;
};

struct pxe_loop {
	int epfd;
	bool stop;
	uint64_t now;
	struct pxe_timer **heap;	/* min-heap by when */
	size_t nheap, capheap;
	struct pxe_io sigio;		/* signalfd; fd -1 until needed */
	sigset_t sigs;
	struct sig_handler sig[MAX_SIGNALS];
};

uint64_t
pxe_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t
pxe_now_ms(void)
{
	return pxe_now_ns() / 1000000u;
}

struct pxe_loop *
pxe_loop_new(void)
{
	struct pxe_loop *loop = calloc(1, sizeof(*loop));

	if (loop == NULL)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	loop->sigio.fd = -1;
	sigemptyset(&loop->sigs);
	loop->now = pxe_now_ms();
	return loop;
}

void
pxe_loop_free(struct pxe_loop *loop)
{
	if (loop == NULL)
		return;
	if (loop->sigio.fd >= 0) {
		close(loop->sigio.fd);
		sigprocmask(SIG_UNBLOCK, &loop->sigs, NULL);
	}
	close(loop->epfd);
	free(loop->heap);
	free(loop);
}

/* Register, change or remove io with epoll. */
static int
ctl(struct pxe_loop *loop, int op, struct pxe_io *io, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = io;
	return epoll_ctl(loop->epfd, op, io->fd, &ev) < 0 ? -errno : 0;
}

int
pxe_loop_add(struct pxe_loop *loop, struct pxe_io *io, uint32_t events)
{
	return ctl(loop, EPOLL_CTL_ADD, io, events);
}

int
pxe_loop_mod(struct pxe_loop *loop, struct pxe_io *io, uint32_t events)
{
	return ctl(loop, EPOLL_CTL_MOD, io, events);
}

int
pxe_loop_del(struct pxe_loop *loop, struct pxe_io *io)
{
	return ctl(loop, EPOLL_CTL_DEL, io, 0);
}

/* Heap helpers: slots are 0-based, t->idx is slot + 1. */
static void
heap_set(struct pxe_loop *loop, size_t i, struct pxe_timer *t)
{
	loop->heap[i] = t;
	t->idx = i + 1;
}

static void
heap_up(struct pxe_loop *loop, size_t i)
{
	struct pxe_timer *t = loop->heap[i];
	size_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (loop->heap[parent]->when <= t->when)
			break;
		heap_set(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_set(loop, i, t);
}

static void
heap_down(struct pxe_loop *loop, size_t i)
{
	struct pxe_timer *t = loop->heap[i];
	size_t child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= loop->nheap)
			break;
		if (child + 1 < loop->nheap &&
		    loop->heap[child + 1]->when < loop->heap[child]->when)
			child++;
		if (t->when <= loop->heap[child]->when)
			break;
		heap_set(loop, i, loop->heap[child]);
		i = child;
	}
	heap_set(loop, i, t);
}

void
pxe_timer_cancel(struct pxe_loop *loop, struct pxe_timer *t)
{
	size_t i;
	struct pxe_timer *last;

	if (t->idx == 0)
		return;
	i = t->idx - 1;
	t->idx = 0;
	last = loop->heap[--loop->nheap];
	if (last == t)
		return;
	heap_set(loop, i, last);
	heap_up(loop, i);
	heap_down(loop, last->idx - 1);
}

int
pxe_timer_arm(struct pxe_loop *loop, struct pxe_timer *t, uint64_t ms)
{
	struct pxe_timer **h;
	size_t cap;

	pxe_timer_cancel(loop, t);
	if (loop->nheap == loop->capheap) {
		cap = loop->capheap ? loop->capheap * 2 : 64;
		h = realloc(loop->heap, cap * sizeof(*h));
		if (h == NULL)
			return -ENOMEM;
		loop->heap = h;
		loop->capheap = cap;
	}
	/* From the clock, not the loop's last look at it: a timer armed
	 * after long work (loading a lease file before the loop runs)
	 * would otherwise fire early by that much. */
	t->when = pxe_loop_update_now(loop) + ms;
	loop->heap[loop->nheap] = t;
	t->idx = ++loop->nheap;
	heap_up(loop, loop->nheap - 1);
	return 0;
}

/* Read pending signals from the signalfd and dispatch them. */
static void
on_signal(struct pxe_loop *loop, struct pxe_io *io, uint32_t events)
{
	struct signalfd_siginfo si;
	unsigned signo;

	while (read(io->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		signo = si.ssi_signo;
		if (signo < MAX_SIGNALS && loop->sig[signo].fn)
			loop->sig[signo].fn(loop, (int)signo,
			    loop->sig[signo].arg);
	}
}

int
pxe_loop_signal(struct pxe_loop *loop, int signo, pxe_signal_fn fn, void *arg)
{
	sigset_t one;
	int fd, r;

	if (signo <= 0 || signo >= MAX_SIGNALS)
		return -EINVAL;
	sigemptyset(&one);
	sigaddset(&one, signo);
	if (sigprocmask(SIG_BLOCK, &one, NULL) < 0)
		return -errno;
	sigaddset(&loop->sigs, signo);
	loop->sig[signo].fn = fn;
	loop->sig[signo].arg = arg;
	fd = signalfd(loop->sigio.fd, &loop->sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (loop->sigio.fd < 0) {
		loop->sigio.fd = fd;
		loop->sigio.fn = on_signal;
		loop->sigio.arg = NULL;
		if ((r = pxe_loop_add(loop, &loop->sigio, EPOLLIN)) < 0)
			return r;
	}
	return 0;
}

uint64_t
pxe_loop_now(const struct pxe_loop *loop)
{
	return loop->now;
}

uint64_t
pxe_loop_update_now(struct pxe_loop *loop)
{
	return loop->now = pxe_now_ms();
}

/* Fire every timer that is due. */
static void
run_timers(struct pxe_loop *loop)
{
	struct pxe_timer *t;

	while (loop->nheap > 0 && !loop->stop) {
		t = loop->heap[0];
		if (t->when > loop->now)
			break;
		pxe_timer_cancel(loop, t);
		t->fn(loop, t);
	}
}

/* Milliseconds epoll_wait may sleep: until the next timer, or forever. */
static int
wait_ms(const struct pxe_loop *loop)
{
	uint64_t d;

	if (loop->nheap == 0)
		return -1;
	if (loop->heap[0]->when <= loop->now)
		return 0;
	d = loop->heap[0]->when - loop->now;
	return d > 60000 ? 60000 : (int)d;
}

int
pxe_loop_run(struct pxe_loop *loop)
{
	struct epoll_event ev[MAX_EVENTS];
	struct pxe_io *io;
	int i, n;

	loop->stop = false;
	while (!loop->stop) {
		n = epoll_wait(loop->epfd, ev, MAX_EVENTS, wait_ms(loop));
		if (n < 0 && errno != EINTR)
			return -errno;
		loop->now = pxe_now_ms();
		for (i = 0; i < n && !loop->stop; i++) {
			io = ev[i].data.ptr;
			io->fn(loop, io, ev[i].events);
		}
		run_timers(loop);
	}
	return 0;
}

void
pxe_loop_stop(struct pxe_loop *loop)
{
	loop->stop = true;
}

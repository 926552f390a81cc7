/* Unit tests for lib/libpxe/loop: fds, timers in order, cancel, signals. */
#include <signal.h>
#include <time.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../tap.h"
#include "libpxe/loop.h"

struct ctx {
	int order[8];
	int n;
	int reads;
	struct pxe_timer *cancel_me;
	int sig;
};

static void
fire(struct pxe_loop *loop, struct pxe_timer *t)
{
	struct ctx *c = ((void **)t->arg)[0];
	int id = (int)(long)((void **)t->arg)[1];

	if (c->n < 8)
		c->order[c->n++] = id;
	if (c->cancel_me)
		pxe_timer_cancel(loop, c->cancel_me);
	c->cancel_me = NULL;
	if (id == 9)
		pxe_loop_stop(loop);
}

static void
readable(struct pxe_loop *loop, struct pxe_io *io, uint32_t ev)
{
	struct ctx *c = io->arg;
	char b[16];

	if (read(io->fd, b, sizeof(b)) > 0)
		c->reads++;
}

static void
on_sig(struct pxe_loop *loop, int signo, void *arg)
{
	((struct ctx *)arg)->sig = signo;
}

int
main(void)
{
	struct pxe_loop *loop = pxe_loop_new();
	struct pxe_timer t[5];
	void *args[5][2];
	struct ctx c = { { 0 }, 0, 0, NULL, 0 };
	static const int ms[5] = { 30, 10, 20, 25, 60 };
	static const int ids[5] = { 3, 1, 2, 4, 9 };
	struct pxe_io io;
	int p[2], i;
	uint64_t t0;

	tap_ok(loop != NULL, "loop created");
	/* Before arming: the 60 ms count from here, however slow the
	 * machine is between arming and running the loop. */
	t0 = pxe_now_ms();
	for (i = 0; i < 5; i++) {
		args[i][0] = &c;
		args[i][1] = (void *)(long)ids[i];
		pxe_timer_init(&t[i], fire, args[i]);
		pxe_timer_arm(loop, &t[i], (uint64_t)ms[i]);
	}
	tap_ok(pxe_timer_armed(&t[0]), "armed timer reports armed");
	c.cancel_me = NULL;
	pxe_timer_arm(loop, &t[1], 10);
	tap_ok(pipe(p) == 0, "pipe");
	io.fd = p[0];
	io.fn = readable;
	io.arg = &c;
	tap_is(pxe_loop_add(loop, &io, EPOLLIN), 0, "fd added");
	tap_ok(write(p[1], "x", 1) == 1, "pipe written");
	tap_is(pxe_loop_signal(loop, SIGUSR2, on_sig, &c), 0, "signal hooked");
	raise(SIGUSR2);
	pxe_timer_cancel(loop, &t[3]);
	tap_ok(!pxe_timer_armed(&t[3]), "cancelled timer is not armed");
	tap_is(pxe_loop_run(loop), 0, "loop ran until stopped");
	tap_ok(pxe_now_ms() - t0 >= 55, "stopped by the 60 ms timer, not before");
	tap_is(c.n, 4, "four timers fired (one cancelled)");
	tap_ok(c.order[0] == 1 && c.order[1] == 2 && c.order[2] == 3 &&
	    c.order[3] == 9, "timers fired in deadline order");
	tap_is(c.reads, 1, "the readable fd was dispatched once");
	tap_is(c.sig, SIGUSR2, "the signal arrived through the loop");

	/* A timer armed long after the loop last looked at the clock (a
	 * daemon arms its first timers after loading a lease file) still
	 * waits its whole time: 40 ms of work, then a 60 ms timer. */
	{
		struct timespec busy = { 0, 40 * 1000000L };
		uint64_t t1;

		nanosleep(&busy, NULL);
		t1 = pxe_now_ms();
		c.cancel_me = NULL;
		pxe_timer_arm(loop, &t[4], 60);
		/* the loop wakes at once for the pipe, and looks at the clock */
		tap_ok(write(p[1], "x", 1) == 1, "pipe written again");
		tap_is(pxe_loop_run(loop), 0, "loop ran again");
		tap_is(c.reads, 2, "the fd was dispatched again");
		tap_ok(pxe_now_ms() - t1 >= 59,
		    "a timer armed after a pause is counted from when it was armed");
	}
	pxe_loop_del(loop, &io);
	close(p[0]);
	close(p[1]);
	pxe_loop_free(loop);
	return tap_done();
}

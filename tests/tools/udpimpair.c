/*
 * udpimpair: a lossy UDP relay for TFTP tests, for kernels without netem.
 * Clients talk to 127.0.0.1:PORT as if it were the server; every datagram,
 * both ways, is dropped, duplicated or delayed (so reordered) at random
 * with the given rates, from a fixed seed so a failure can be replayed.
 * TFTP answers from a new port per transfer, so the relay gives each
 * (client, server port) pair its own local port and keeps the mapping:
 *
 *   client C -> :PORT      -> upstream socket U(C) -> server:SERVER_PORT
 *   server:E -> U(C)       -> downstream socket D(C,E) -> C
 *   client C -> D(C,E)     -> U(C) -> server:E
 *
 * It exits after --time seconds, and prints what it did on stderr.
 * usage: udpimpair [-l LOSS%] [-d DUP%] [-r REORDER%] [-s SEED] [-t SECS]
 *                  PORT SERVER_PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#define MAXMAP		1024
#define MAXHELD		4096
#define PKTMAX		65536

struct mapping {
	struct sockaddr_in client;
	int up;			/* U(C) */
	uint16_t sport;		/* server port E; 0 for the client's U entry */
	int down;		/* D(C,E), or -1 for the U entry */
};

struct held {
	uint64_t at;		/* release time, ms */
	int fd;
	struct sockaddr_in to;
	size_t len;
	uint8_t *data;
};

static struct mapping maps[MAXMAP];
static unsigned nmaps;
static struct held held[MAXHELD];
static unsigned nheld;
static unsigned loss, dupl, reorder;
static unsigned long long n_in, n_drop, n_dup, n_delay;
static struct sockaddr_in server;
static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
udp_socket(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("udpimpair: bind");
		exit(1);
	}
	return fd;
}

static bool
chance(unsigned pct)
{
	return (unsigned)(rand() % 100) < pct;
}

/* Forward one datagram through fd to `to`, impaired. */
static void
forward(int fd, const struct sockaddr_in *to, const uint8_t *p, size_t n)
{
	int copies = 1;

	n_in++;
	if (chance(loss)) {
		n_drop++;
		return;
	}
	if (chance(dupl)) {
		n_dup++;
		copies = 2;
	}
	while (copies-- > 0) {
		if (chance(reorder) && nheld < MAXHELD &&
		    (held[nheld].data = malloc(n)) != NULL) {
			n_delay++;
			memcpy(held[nheld].data, p, n);
			held[nheld].at = now_ms() + 1 + (uint64_t)(rand() % 15);
			held[nheld].fd = fd;
			held[nheld].to = *to;
			held[nheld].len = n;
			nheld++;
			continue;
		}
		sendto(fd, p, n, 0, (const struct sockaddr *)to, sizeof(*to));
	}
}

static void
release_held(void)
{
	uint64_t t = now_ms();
	unsigned i = 0;

	while (i < nheld) {
		if (held[i].at > t) {
			i++;
			continue;
		}
		sendto(held[i].fd, held[i].data, held[i].len, 0,
		    (struct sockaddr *)&held[i].to, sizeof(held[i].to));
		free(held[i].data);
		held[i] = held[--nheld];
	}
}

static bool
same_addr(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr &&
	    a->sin_port == b->sin_port;
}

/* The U entry of client c, created on first sight. */
static struct mapping *
client_map(const struct sockaddr_in *c)
{
	unsigned i;

	for (i = 0; i < nmaps; i++)
		if (maps[i].down < 0 && same_addr(&maps[i].client, c))
			return &maps[i];
	if (nmaps == MAXMAP)
		return NULL;
	maps[nmaps].client = *c;
	maps[nmaps].up = udp_socket(0);
	maps[nmaps].sport = 0;
	maps[nmaps].down = -1;
	return &maps[nmaps++];
}

/* The D entry for replies from server port sport to the client of u. */
static struct mapping *
reply_map(const struct mapping *u, uint16_t sport)
{
	unsigned i;

	for (i = 0; i < nmaps; i++)
		if (maps[i].down >= 0 && maps[i].up == u->up &&
		    maps[i].sport == sport)
			return &maps[i];
	if (nmaps == MAXMAP)
		return NULL;
	maps[nmaps].client = u->client;
	maps[nmaps].up = u->up;
	maps[nmaps].sport = sport;
	maps[nmaps].down = udp_socket(0);
	return &maps[nmaps++];
}

int
main(int argc, char **argv)
{
	static uint8_t pkt[PKTMAX];
	struct pollfd pfd[1 + 2 * MAXMAP];
	struct sockaddr_in from, to;
	socklen_t flen;
	unsigned seed = 1, secs = 120, i, n;
	uint64_t end, wait;
	ssize_t len;
	int listen_fd, ch;

	while ((ch = getopt(argc, argv, "l:d:r:s:t:")) != -1) {
		switch (ch) {
		case 'l': loss = (unsigned)atoi(optarg); break;
		case 'd': dupl = (unsigned)atoi(optarg); break;
		case 'r': reorder = (unsigned)atoi(optarg); break;
		case 's': seed = (unsigned)atoi(optarg); break;
		case 't': secs = (unsigned)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: udpimpair [-l LOSS%%] [-d DUP%%] "
			    "[-r REORDER%%] [-s SEED] [-t SECS] PORT "
			    "SERVER_PORT\n");
			return 2;
		}
	}
	if (argc - optind != 2)
		return 2;
	srand(seed);
	listen_fd = udp_socket((uint16_t)atoi(argv[optind]));
	server.sin_family = AF_INET;
	server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	server.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	fprintf(stderr, "udpimpair: relaying :%s to :%s, loss %u%% dup %u%% "
	    "reorder %u%%, seed %u\n", argv[optind], argv[optind + 1], loss,
	    dupl, reorder, seed);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	end = now_ms() + (uint64_t)secs * 1000;
	while (!stop && now_ms() < end) {
		/* Entry 0 is the listening socket; then each map's socket. */
		pfd[0] = (struct pollfd){ listen_fd, POLLIN, 0 };
		for (i = 0; i < nmaps; i++)
			pfd[1 + i] = (struct pollfd){ maps[i].down >= 0 ?
			    maps[i].down : maps[i].up, POLLIN, 0 };
		n = 1 + nmaps;
		wait = nheld ? 2 : 100;
		if (poll(pfd, n, (int)wait) < 0 && errno != EINTR)
			break;
		release_held();
		for (i = 0; i < n; i++) {
			struct mapping *m, *d;

			if (!(pfd[i].revents & POLLIN))
				continue;
			flen = sizeof(from);
			len = recvfrom(pfd[i].fd, pkt, sizeof(pkt), 0,
			    (struct sockaddr *)&from, &flen);
			if (len < 0)
				continue;
			if (i == 0) {
				/* A request from a client. */
				if ((m = client_map(&from)) != NULL)
					forward(m->up, &server, pkt,
					    (size_t)len);
				continue;
			}
			m = &maps[i - 1];
			if (m->down < 0) {
				/* The server answered on U(C) from port E. */
				if ((d = reply_map(m, ntohs(from.sin_port)))
				    != NULL)
					forward(d->down, &d->client, pkt,
					    (size_t)len);
			} else {
				/* The client, to D(C,E): on to server:E. */
				to = server;
				to.sin_port = htons(m->sport);
				forward(m->up, &to, pkt, (size_t)len);
			}
		}
	}
	fprintf(stderr, "udpimpair: %llu datagrams: %llu dropped, %llu "
	    "duplicated, %llu delayed\n", n_in, n_drop, n_dup, n_delay);
	return 0;
}

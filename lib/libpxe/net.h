/*
 * net: the sockets pxekit's daemons need.  UDP sockets bound to an address
 * (and optionally an interface) that report, for each datagram, the local
 * address it was sent to and the interface it came in on (IP_PKTINFO,
 * IPV6_RECVPKTINFO), so a multi-homed server answers from the right
 * address; per-client UDP sockets bound to that address and connected to
 * the client; listening TCP sockets; and interface facts (MTU, name).
 * IPv4 and IPv6.
 */
#ifndef PXE_NET_H
#define PXE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Longest address text, IPv6 included, with room for a port. */
#define PXE_ADDRSTRLEN	64

/* Where a datagram came from and where it was going. */
struct pxe_pktinfo {
	struct sockaddr_storage peer;	/* the sender */
	socklen_t peerlen;
	struct sockaddr_storage local;	/* the address it was sent to; port 0 */
	socklen_t locallen;
	int ifindex;			/* interface it arrived on, or 0 */
};

/*
 * Parse a numeric IPv4 or IPv6 address (no names: daemons must not depend
 * on DNS) with the given port into ss.  0 or -EINVAL.
 */
int pxe_net_parse_addr(const char *s, uint16_t port,
    struct sockaddr_storage *ss, socklen_t *len);
/* The address (no port) as text into buf; returns buf. */
const char *pxe_net_ntop(const struct sockaddr *sa, char *buf, size_t cap);
/* The port of sa, in host order. */
uint16_t pxe_net_port(const struct sockaddr *sa);
/* True if both are the same address and port. */
bool pxe_net_same(const struct sockaddr *a, const struct sockaddr *b);

/*
 * A non-blocking UDP socket bound to sa that reports packet info (so
 * pxe_net_recv fills local and ifindex).  ifname, if not NULL, binds it to
 * that interface (SO_BINDTODEVICE).  reuse sets SO_REUSEADDR (needed when
 * several sockets share a port on different interfaces).  fd or -errno.
 */
int pxe_net_udp_listen(const struct sockaddr *sa, socklen_t len,
    const char *ifname, bool reuse);

/*
 * Ask for a receive buffer of bytes on fd, so a burst of datagrams (a boot
 * storm after a power cut) waits in the kernel instead of being dropped:
 * SO_RCVBUFFORCE while privileged (past net.core.rmem_max), else
 * SO_RCVBUF (up to it).  The size now in force, or -errno.
 */
int pxe_net_set_rcvbuf(int fd, int bytes);

/*
 * A non-blocking TCP socket listening on sa (SO_REUSEADDR; IPv6 sockets
 * are IPv6-only so that "::" and "0.0.0.0" can both be listened on), with
 * the given backlog.  fd or -errno.
 */
int pxe_net_tcp_listen(const struct sockaddr *sa, socklen_t len, int backlog);

/*
 * A non-blocking UDP socket bound to local (port 0: an ephemeral port) and
 * connected to peer: only peer's datagrams reach it.  ifname as above.
 * fd or -errno.
 */
int pxe_net_udp_connect(const struct sockaddr *local, socklen_t locallen,
    const struct sockaddr *peer, socklen_t peerlen, const char *ifname);

/*
 * Receive one datagram into buf (cap bytes).  Returns its length (a
 * datagram longer than cap is reported as cap + 1 so callers can drop it),
 * -EAGAIN when nothing is waiting, or -errno.  pi, if not NULL, gets the
 * sender, local address and interface.
 */
ssize_t pxe_net_recv(int fd, void *buf, size_t cap, struct pxe_pktinfo *pi);

/* The MTU of interface ifindex, or -errno. */
int pxe_net_if_mtu(int ifindex);
/* The name of interface ifindex into buf (IF_NAMESIZE); 0 or -errno. */
int pxe_net_if_name(int ifindex, char *buf);

/*
 * The first IPv4 address and netmask (network order) of interface ifname:
 * 0, -ENODEV when there is no such interface, -EADDRNOTAVAIL when it has
 * no IPv4 address, or -errno.
 */
int pxe_net_if_ipv4(const char *ifname, uint32_t *addr, uint32_t *mask);

/*
 * What to do about a failed bind or listen of a server on port (proto
 * "UDP" or "TCP"): one clause naming the fix for EADDRINUSE (who usually
 * holds that port, and the ss command that shows it) and EACCES/EPERM
 * (root, CAP_NET_BIND_SERVICE or --port), "" for anything else.  Written
 * into buf; returns buf.
 */
const char *pxe_net_bind_hint(int err, const char *proto, uint16_t port,
    char *buf, size_t cap);

/* Set or clear O_NONBLOCK and FD_CLOEXEC helpers. */
int pxe_net_set_nonblock(int fd);

#endif

/* net: UDP sockets with packet info, TCP listeners, interface facts; see net.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "net.h"

int
pxe_net_parse_addr(const char *s, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return -EINVAL;
}

const char *
pxe_net_ntop(const struct sockaddr *sa, char *buf, size_t cap)
{
	const void *a;

	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		a = NULL;
	if (a == NULL || inet_ntop(sa->sa_family, a, buf, (socklen_t)cap) == NULL)
		snprintf(buf, cap, "?");
	return buf;
}

uint16_t
pxe_net_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

bool
pxe_net_same(const struct sockaddr *a, const struct sockaddr *b)
{
	const struct sockaddr_in *a4, *b4;
	const struct sockaddr_in6 *a6, *b6;

	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET) {
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6) {
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)b;
		return a6->sin6_port == b6->sin6_port &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
	}
	return false;
}

int
pxe_net_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* Close fd after a failed call, keeping its errno: -errno. */
static int
close_errno(int fd)
{
	int err = -errno;

	close(fd);
	return err;
}

/* A UDP socket of sa's family, bound to ifname if given; fd or -errno. */
static int
udp_socket(int family, const char *ifname)
{
	int fd;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
	    (socklen_t)strlen(ifname) + 1) < 0)
		return close_errno(fd);
	return fd;
}

int
pxe_net_udp_listen(const struct sockaddr *sa, socklen_t len, const char *ifname,
    bool reuse)
{
	int fd, on = 1;

	if ((fd = udp_socket(sa->sa_family, ifname)) < 0)
		return fd;
	if (reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)) < 0)
		goto fail;
	if (sa->sa_family == AF_INET) {
		if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) < 0)
			goto fail;
	} else {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		    sizeof(on)) < 0)
			goto fail;
	}
	if (bind(fd, sa, len) < 0)
		goto fail;
	return fd;
fail:
	return close_errno(fd);
}

int
pxe_net_set_rcvbuf(int fd, int bytes)
{
	socklen_t len = sizeof(bytes);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes,
	    sizeof(bytes)) < 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF,
	    &bytes, sizeof(bytes)) < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, &len) < 0)
		return -errno;
	return bytes;
}

int
pxe_net_tcp_listen(const struct sockaddr *sa, socklen_t len, int backlog)
{
	int fd, on = 1;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0)
		goto fail;
	if (sa->sa_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) < 0)
		goto fail;
	if (bind(fd, sa, len) < 0 || listen(fd, backlog) < 0)
		goto fail;
	return fd;
fail:
	return close_errno(fd);
}

int
pxe_net_udp_connect(const struct sockaddr *local, socklen_t locallen,
    const struct sockaddr *peer, socklen_t peerlen, const char *ifname)
{
	int fd;

	if ((fd = udp_socket(peer->sa_family, ifname)) < 0)
		return fd;
	if (local && bind(fd, local, locallen) < 0)
		goto fail;
	if (connect(fd, peer, peerlen) < 0)
		goto fail;
	return fd;
fail:
	return close_errno(fd);
}

/* Fill pi->local and pi->ifindex from the control messages of msg. */
static void
read_pktinfo(struct msghdr *msg, struct pxe_pktinfo *pi)
{
	struct cmsghdr *c;
	struct in_pktinfo p4;
	struct in6_pktinfo p6;
	struct sockaddr_in *l4 = (struct sockaddr_in *)&pi->local;
	struct sockaddr_in6 *l6 = (struct sockaddr_in6 *)&pi->local;

	memset(&pi->local, 0, sizeof(pi->local));
	pi->locallen = 0;
	pi->ifindex = 0;
	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			memcpy(&p4, CMSG_DATA(c), sizeof(p4));
			l4->sin_family = AF_INET;
			l4->sin_addr = p4.ipi_addr;
			pi->locallen = sizeof(*l4);
			pi->ifindex = p4.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			memcpy(&p6, CMSG_DATA(c), sizeof(p6));
			l6->sin6_family = AF_INET6;
			l6->sin6_addr = p6.ipi6_addr;
			if (IN6_IS_ADDR_LINKLOCAL(&p6.ipi6_addr))
				l6->sin6_scope_id = p6.ipi6_ifindex;
			pi->locallen = sizeof(*l6);
			pi->ifindex = (int)p6.ipi6_ifindex;
		}
	}
}

ssize_t
pxe_net_recv(int fd, void *buf, size_t cap, struct pxe_pktinfo *pi)
{
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		    CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, cap };
	struct msghdr msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (pi) {
		msg.msg_name = &pi->peer;
		msg.msg_namelen = sizeof(pi->peer);
		msg.msg_control = ctl.b;
		msg.msg_controllen = sizeof(ctl.b);
	}
	do {
		n = recvmsg(fd, &msg, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (pi) {
		pi->peerlen = msg.msg_namelen;
		read_pktinfo(&msg, pi);
	}
	if (msg.msg_flags & MSG_TRUNC)
		return (ssize_t)cap + 1;
	return n;
}

int
pxe_net_if_mtu(int ifindex)
{
	struct ifreq ifr;
	int fd, r;

	memset(&ifr, 0, sizeof(ifr));
	if (if_indextoname((unsigned)ifindex, ifr.ifr_name) == NULL)
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = ioctl(fd, SIOCGIFMTU, &ifr) < 0 ? -errno : ifr.ifr_mtu;
	close(fd);
	return r;
}

int
pxe_net_if_name(int ifindex, char *buf)
{
	return if_indextoname((unsigned)ifindex, buf) ? 0 : -errno;
}

int
pxe_net_if_ipv4(const char *ifname, uint32_t *addr, uint32_t *mask)
{
	struct ifaddrs *ifa, *i;
	int r = -EADDRNOTAVAIL;

	if (if_nametoindex(ifname) == 0)
		return -ENODEV;
	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, ifname) != 0)
			continue;
		*addr = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
		*mask = i->ifa_netmask ? ((struct sockaddr_in *)
		    i->ifa_netmask)->sin_addr.s_addr : 0xffffffffu;
		r = 0;
		break;
	}
	freeifaddrs(ifa);
	return r;
}

/* Who usually holds a boot server's port already. */
static const struct {
	uint16_t port;
	const char *who;
} port_holders[] = {
	{ 67, "dnsmasq or isc-dhcp-server" },
	{ 69, "tftpd-hpa, atftpd or dnsmasq" },
	{ 445, "Samba's smbd" },
	{ 4011, "dnsmasq (proxy PXE)" },
};

const char *
pxe_net_bind_hint(int err, const char *proto, uint16_t port, char *buf,
    size_t cap)
{
	const char *who = "another server";
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(port_holders) / sizeof(port_holders[0]); i++)
		if (port_holders[i].port == port)
			who = port_holders[i].who;
	if (err == EADDRINUSE)
		snprintf(buf, cap, ": %s already has %s port %u (see which: ss "
		    "-%snp 'sport = :%u'); stop it, or give this server "
		    "another --listen address or --port", who, proto, port,
		    strcmp(proto, "TCP") == 0 ? "lt" : "lu", port);
	else if (err == EACCES || err == EPERM)
		snprintf(buf, cap, ": port %u needs root or "
		    "CAP_NET_BIND_SERVICE (setcap cap_net_bind_service+ep), "
		    "or choose --port above 1023", port);
	return buf;
}

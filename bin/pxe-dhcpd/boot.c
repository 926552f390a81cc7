/*
 * pxe-dhcpd's boot selection: which file or URL a client gets, by its
 * architecture (RFC 4578), iPXE, UEFI HTTP boot and --host, and the PXE
 * options that go with it.  server.c calls it for each reply.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "libpxe/log.h"
#include "dhcpd.h"

/* The PXE arch an HTTP boot arch (RFC 4578 as IANA extends it) is the
 * HTTP form of: 15 ia32, 16 x64, 18 arm32, 19 arm64. */
static int
http_base_arch(int a)
{
	switch (a) {
	case 15: return 6;
	case 16: return 7;
	case 18: return 10;
	case 19: return 11;
	default: return a;
	}
}

/*
 * Rule arch r matches client arch a: 7 and 9 are both x64 UEFI, and an
 * HTTP boot client (16, x64 UEFI HTTP) matches the rule for its base arch
 * (efi-x64), so --http-boot efi-x64=URL serves the machines it names.
 */
static bool
arch_match(int r, int a)
{
	int b = http_base_arch(a);

	if (r < 0 || r == a || r == b)
		return true;
	return (r == 7 || r == 9) && (b == 7 || b == 9);
}

static const char *
pick_rule(const struct dhcpd_rule *rules, unsigned n, int arch)
{
	unsigned i;

	/* An exact rule wins over an "any" rule, whatever the order. */
	for (i = 0; i < n; i++)
		if (rules[i].arch >= 0 && arch_match(rules[i].arch, arch))
			return rules[i].file;
	for (i = 0; i < n; i++)
		if (rules[i].arch < 0)
			return rules[i].file;
	return NULL;
}

const char *
dhcpd_boot_rule(const struct dhcpd_config *cfg, int arch)
{
	return pick_rule(cfg->boot, cfg->nboot, arch);
}

/* The boot file for this client, or NULL.  *http: it is an HTTP URL. */
static const char *
boot_file(const struct dhcpd_config *cfg, const struct dhcp_msg *m,
    const struct dhcpd_host *host, int arch, bool *http)
{
	*http = false;
	if (dhcp_is_ipxe(m) && cfg->ipxe_boot)
		return cfg->ipxe_boot;
	if (dhcp_is_httpclient(m)) {
		*http = true;
		return pick_rule(cfg->http, cfg->nhttp, arch);
	}
	if (host && host->bootfile)
		return host->bootfile;
	return pick_rule(cfg->boot, cfg->nboot, arch);
}

/* The client asked for option code in its parameter request list. */
static bool
asked(const struct dhcp_msg *m, uint8_t code)
{
	size_t len, i;
	const uint8_t *p = dhcp_opt_get(m, DHCP_OPT_PRL, &len);

	for (i = 0; p && i < len; i++)
		if (p[i] == code)
			return true;
	return false;
}

const char *
dhcpd_add_boot(const struct dhcpd_config *cfg, const struct dhcp_msg *m,
    const struct dhcpd_host *host, uint32_t ifaddr, const char *mac,
    struct dhcp_reply *r)
{
	/* PXE discovery control: no boot server discovery, use the file. */
	static const uint8_t vendor[] = { 6, 1, 8, 255 };
	uint32_t next = cfg->next_server ? cfg->next_server : ifaddr;
	struct in_addr in = { next };
	const uint8_t *uuid;
	const char *file;
	char ip[INET_ADDRSTRLEN];
	size_t len;
	bool http;
	int arch;

	if (!dhcp_is_pxeclient(m) && !dhcp_is_httpclient(m) &&
	    !(host && host->bootfile))
		return NULL;
	arch = dhcp_client_arch(m);
	if ((file = boot_file(cfg, m, host, arch, &http)) == NULL) {
		/* Said once per exchange: the machine will show PXE-E53. */
		if (dhcp_msg_type(m) == DHCPDISCOVER)
			log_warn("%s %s arch %d (%s): no %s for it, so it gets "
			    "no boot file (PXE-E53): add %s %s=FILE", mac,
			    http ? "HTTPClient" : "PXEClient", arch,
			    dhcp_arch_name(arch) ? dhcp_arch_name(arch) : "?",
			    http ? "--http-boot" : "--boot", http ?
			    "--http-boot" : "--boot", dhcp_arch_name(arch) ?
			    dhcp_arch_name(arch) : "ARCH");
		return NULL;
	}
	snprintf(r->file, sizeof(r->file), "%s", file);
	dhcp_reply_add_str(r, DHCP_OPT_BOOTFILE, file);
	if (http) {
		dhcp_reply_add_str(r, DHCP_OPT_VCLASS, "HTTPClient");
		return file;
	}
	r->siaddr = next;
	dhcp_reply_add_str(r, DHCP_OPT_TFTPSERVER, inet_ntop(AF_INET, &in, ip, sizeof(ip)));
	if (dhcp_is_pxeclient(m)) {
		dhcp_reply_add_str(r, DHCP_OPT_VCLASS, "PXEClient");
		if (!dhcp_is_ipxe(m))
			dhcp_reply_add(r, DHCP_OPT_VENDOR, vendor,
			    sizeof(vendor));
	}
	if ((uuid = dhcp_opt_get(m, DHCP_OPT_UUID, &len)) != NULL)
		dhcp_reply_add(r, DHCP_OPT_UUID, uuid, len);
	if (cfg->pxelinux_config && asked(m, DHCP_OPT_PXELINUX_CONF))
		dhcp_reply_add_str(r, DHCP_OPT_PXELINUX_CONF,
		    cfg->pxelinux_config);
	if (cfg->pxelinux_prefix && asked(m, DHCP_OPT_PXELINUX_PREFIX))
		dhcp_reply_add_str(r, DHCP_OPT_PXELINUX_PREFIX,
		    cfg->pxelinux_prefix);
	return file;
}

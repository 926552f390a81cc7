/*
 * mkpxemenu: write and check the boot menus of a PXE tree.
 *
 *   mkpxemenu [OPTION]...            a pxelinux, iPXE or GRUB menu
 *   mkpxemenu lookup --mac M ...     pxelinux's config search for a machine
 *   mkpxemenu install --root DIR     copy syslinux's files into a TFTP root
 *   mkpxemenu check --root DIR       lint a tree
 *
 * main.c picks the command and runs lookup; menucmd.c is the menu command
 * (menu.c builds the text), check.c lints, install.c copies, files.c
 * reads and writes whole files.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "libpxe/fsroot.h"
#include "libpxe/opts.h"
#include "libpxe/pxelinux.h"
#include "mkpxemenu.h"

/* ---- lookup ---- */

enum { O_MAC = PXE_OPT_USER, O_IP, O_UUID, O_ROOT, O_PREFIX, O_JSON };

static const struct pxe_opt lookup_opts[] = {
	{ "mac", 'm', "MAC", O_MAC, "the machine's MAC address (required)" },
	{ "ip", 'i', "IP", O_IP, "the address it gets by DHCP" },
	{ "uuid", 'u', "UUID", O_UUID, "its UUID (DHCP option 97)" },
	{ "root", 'r', "DIR", O_ROOT, "say which file the TFTP root DIR would serve" },
	{ "prefix", 'p', "DIR", O_PREFIX, "where pxelinux.0 is, under the root (option 210)" },
	{ "json", 0, NULL, O_JSON, "one JSON object instead of text" },
	{ NULL, 0, NULL, 0, NULL },
};

struct lookup_cfg {
	uint8_t mac[6], uuid[16];
	struct in_addr ip;
	bool have_mac, have_ip, have_uuid, json;
	const char *root, *prefix;
};

static const char *
set_lookup_option(void *ctx, int id, const char *arg)
{
	struct lookup_cfg *c = ctx;

	switch (id) {
	case O_MAC:
		c->have_mac = true;
		return pxelinux_parse_mac(arg, c->mac) < 0 ?
		    "is not a MAC address (20:6a:8a:0f:74:75)" : NULL;
	case O_IP:
		c->have_ip = true;
		return inet_pton(AF_INET, arg, &c->ip) != 1 ?
		    "is not an IPv4 address" : NULL;
	case O_UUID:
		c->have_uuid = true;
		return pxelinux_parse_uuid(arg, c->uuid) < 0 ?
		    "is not a UUID (d66ef100-a6d7-11df-9f1a-f938a66fc054)" :
		    NULL;
	case O_ROOT: c->root = arg; return NULL;
	case O_PREFIX:
		if (strstr(arg, ".."))
			return "must stay inside the root";
		c->prefix = arg;
		return NULL;
	case O_JSON: c->json = true; return NULL;
	}
	return "is not handled";
}

static int
cmd_lookup(int argc, char **argv)
{
	struct lookup_cfg c;
	struct pxe_opts_mem mem = { NULL, 0, 0 };
	struct pxe_opts_spec spec = { "mkpxemenu lookup", PACKAGE_VERSION,
	    "--mac MAC [--ip IP] [--uuid UUID] [--root DIR]",
	    "print the order in which pxelinux looks for its configuration",
	    "Exit status: 0 (with --root: a file would be served), 1 none "
	    "would, 2 usage error.\n", lookup_opts, set_lookup_option, &c,
	    &mem };
	struct pxelinux_search s;
	struct pxe_fsroot root;
	char name[4096], found[4096], served[4096] = "";
	const char *pre;
	unsigned i;
	int idx, r, fd, served_i = -1;
	bool *hit = NULL;

	memset(&c, 0, sizeof(c));
	if ((r = pxe_opts_parse(&spec, argc, argv, &idx)) != 0)
		return r == 1 ? 0 : 2;
	if (idx < argc) {
		fprintf(stderr, "mkpxemenu lookup: unexpected argument '%s'\n",
		    argv[idx]);
		return 2;
	}
	if (!c.have_mac) {
		fprintf(stderr, "mkpxemenu lookup: --mac is required\n");
		return 2;
	}
	pxelinux_search_order(c.have_uuid ? c.uuid : NULL, c.mac, 6, 1,
	    c.have_ip ? &c.ip : NULL, &s);
	pre = c.prefix ? c.prefix : "";
	if (c.root && (r = pxe_fsroot_open(&root, c.root)) < 0) {
		fprintf(stderr, "mkpxemenu lookup: --root %s: %s\n", c.root,
		    strerror(-r));
		return 1;
	}
	hit = calloc(s.n, sizeof(*hit));
	for (i = 0; c.root && hit && i < s.n; i++) {
		snprintf(name, sizeof(name), "%s%s%s/%s", pre, *pre &&
		    pre[strlen(pre) - 1] != '/' ? "/" : "", PXELINUX_CFG_DIR,
		    s.name[i]);
		fd = pxe_fsroot_open_read(&root, name, strlen(name), found,
		    sizeof(found), NULL);
		if (fd >= 0) {
			close(fd);
			hit[i] = true;
			if (served_i < 0) {
				served_i = (int)i;
				snprintf(served, sizeof(served), "%s", found);
			}
		}
	}
	if (c.json)
		printf("{\"search\":[");
	for (i = 0; i < s.n; i++) {
		snprintf(name, sizeof(name), "%s%s%s/%s", pre, *pre &&
		    pre[strlen(pre) - 1] != '/' ? "/" : "", PXELINUX_CFG_DIR,
		    s.name[i]);
		if (c.json)
			printf("%s{\"name\":\"%s\",\"step\":\"%s\"%s}", i ? ","
			    : "", name, pxelinux_step_name(s.step[i]),
			    !c.root ? "" : hit && hit[i] ? ",\"exists\":true" :
			    ",\"exists\":false");
		else if (c.root)
			printf("%-52s %s\n", name, (int)i == served_i ?
			    "<- served" : hit && hit[i] ? "exists (not reached)" :
			    "-");
		else
			printf("%s\n", name);
	}
	if (c.json) {
		printf("]");
		if (c.root)
			printf(",\"served\":%s%s%s", served_i >= 0 ? "\"" : "",
			    served_i >= 0 ? served : "null", served_i >= 0 ?
			    "\"" : "");
		printf("}\n");
	} else if (c.root) {
		if (served_i >= 0)
			printf("served: %s\n", served);
		else
			printf("served: nothing: pxelinux would stop with "
			    "\"Unable to locate configuration file\"\n");
	}
	free(hit);
	if (c.root)
		pxe_fsroot_close(&root);
	pxe_opts_free(&mem);
	return c.root && served_i < 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "lookup") == 0)
		return cmd_lookup(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "install") == 0)
		return cmd_install(argc - 1, argv + 1);
	return menu_main(argc, argv);
}

/*
 * pxelinux: the order in which pxelinux (and syslinux.efi) search the TFTP
 * server for their configuration file, and the reverse: given a file name a
 * client asked for, which step of that search it is.  Without options 209
 * (config file) and 210 (path prefix), pxelinux asks for, relative to the
 * directory it was loaded from:
 *
 *   pxelinux.cfg/UUID              from option 97, lower-case, dashed
 *   pxelinux.cfg/01-aa-bb-cc-dd-ee-ff   ARP type 1 then the MAC
 *   pxelinux.cfg/C0A82A11 ... C    the IPv4 address in upper-case hex,
 *                                  dropping one digit at a time
 *   pxelinux.cfg/default
 *
 * mkpxemenu writes and looks up these names, pxe-tftpd logs the search as
 * normal, and pxe-sniff recognises it.  Pure functions, no I/O.
 */
#ifndef PXE_PXELINUX_H
#define PXE_PXELINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define PXELINUX_CFG_DIR	"pxelinux.cfg"
#define PXELINUX_MAX_NAMES	12	/* UUID, MAC, 8 IP prefixes, default */
#define PXELINUX_NAME_MAX	40	/* longest: a 36-char UUID */

enum pxelinux_step {
	PXELINUX_NOT_CONFIG = 0,	/* not a config search name */
	PXELINUX_STEP_UUID,
	PXELINUX_STEP_MAC,
	PXELINUX_STEP_IP,		/* any of the 8 hex prefixes */
	PXELINUX_STEP_DEFAULT,
};

/* The search list, most specific first. */
struct pxelinux_search {
	unsigned n;
	enum pxelinux_step step[PXELINUX_MAX_NAMES];
	char name[PXELINUX_MAX_NAMES][PXELINUX_NAME_MAX + 1];
};

/*
 * Fill *out with the names (without the "pxelinux.cfg/" directory) pxelinux
 * tries for a client.  uuid may be NULL (no option 97: no UUID step), mac
 * may be NULL (no MAC step), ip may be NULL (no IP steps); hwtype is the
 * ARP hardware type (1 for Ethernet).  Returns the number of names.
 */
unsigned pxelinux_search_order(const uint8_t uuid[16], const uint8_t *mac,
    size_t maclen, uint8_t hwtype, const struct in_addr *ip,
    struct pxelinux_search *out);

/*
 * Which search step the file name NAME (as a client asked for it: any
 * directory prefix, '/' or '\' separators) is, or PXELINUX_NOT_CONFIG.
 * *base is set to the part after "pxelinux.cfg/" when it is a step.
 */
enum pxelinux_step pxelinux_classify(const char *name, const char **base);

/* "UUID", "MAC", "IP", "default", or "" for PXELINUX_NOT_CONFIG. */
const char *pxelinux_step_name(enum pxelinux_step step);

/*
 * Text forms used in the search names.  Each writes a NUL-terminated string
 * into out (which must hold PXELINUX_NAME_MAX + 1 bytes) and returns its
 * length, or -EINVAL when the input does not fit the form.
 */
int pxelinux_uuid_name(const uint8_t uuid[16], char *out);
int pxelinux_mac_name(uint8_t hwtype, const uint8_t *mac, size_t maclen,
    char *out);
int pxelinux_ip_name(const struct in_addr *ip, char *out);

/*
 * Parse the text forms people type: a MAC as aa:bb:cc:dd:ee:ff,
 * aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff (6 bytes); a UUID as 32 hex digits,
 * dashes anywhere between byte pairs.  0 or -EINVAL.
 */
int pxelinux_parse_mac(const char *s, uint8_t mac[6]);
int pxelinux_parse_uuid(const char *s, uint8_t uuid[16]);

#endif

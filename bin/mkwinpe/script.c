/*
 * script: the text mkwinpe adds to the image.  The generated start script
 * automates what one otherwise types at the WinPE prompt: wpeinit, load the
 * extra drivers, wait for the network by retrying the connection (not a
 * fixed sleep), "net use" with a user and password (a guest-only login is
 * what makes WinPE fail with "System error 58"), optionally the Windows 11
 * LabConfig keys, then setup.exe from the share; any failing step leaves a
 * message and a command prompt.  When net use fails, the script shows its
 * own words and, by the "System error N" in them, the likely cause: it
 * waits and retries only for errors that time can cure (the network or the
 * server not up yet), and stops at once on a wrong password or share.
 * Pure functions: text in, text out.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mkwinpe.h"

#define TRIES	30	/* connection attempts, 2 s apart */
#define NET_OUT	"%TEMP%\\mkwinpe-net.txt"	/* net use's own words */

/*
 * What each "System error N" of net use most likely means here, and
 * whether waiting can cure it.  {server} and {share} are filled in.  No
 * cmd.exe metacharacters (& | < > ^ %) in the text: it is echoed.
 */
static const struct {
	unsigned code;
	bool retry;
	const char *cause;
} net_errors[] = {
	{ 53, true, "nothing answers SMB on port 445 at {server} yet: the network "
	  "is not up, a firewall blocks it, or pxe-smbd is not running there" },
	{ 1231, true, "{server} cannot be reached: check the cable and the address "
	  "Windows PE got (ipconfig)" },
	{ 64, true, "the connection to {server} dropped: retrying" },
	{ 67, false, "{server} has no share named {share}: it must be the NAME of "
	  "pxe-smbd --share NAME=PATH, or give mkwinpe --share" },
	{ 86, false, "the password was refused: mkwinpe --smb-password must be "
	  "the --password pxe-smbd was started with" },
	{ 1326, false, "the user name or password was refused: mkwinpe "
	  "--smb-password must be the --password pxe-smbd was started with" },
	{ 58, false, "{server} answered in a way this Windows refuses: an "
	  "SMB1-only server, or a guest session it will not sign; start "
	  "pxe-smbd with --password, not --guest, and give mkwinpe the same "
	  "--smb-password" },
	{ 1272, false, "this Windows blocks guest logons: start pxe-smbd with "
	  "--password, not --guest, and give mkwinpe the same --smb-password" },
	{ 5, false, "access denied: {server} refused this user the share {share}" },
	{ 1219, false, "a connection to {server} with other credentials exists: "
	  "net use * /delete, then run this script again" },
};

/* An appender that remembers overflowing instead of writing past cap. */
struct text {
	char *buf;
	size_t cap, len;
	bool full;
};

static void __attribute__((format(printf, 2, 3)))
put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->cap - t->len) {
		t->full = true;
		return;
	}
	t->len += (size_t)n;
}

/* One line of the script with its CRLF. */
#define line(t, ...) do { put(t, __VA_ARGS__); put(t, "\r\n"); } while (0)

/* s with every '%' doubled, as cmd.exe reads it literally, into out. */
static const char *
pct(const char *s, char *out, size_t cap)
{
	size_t k = 0;

	for (; *s && k + 2 < cap; s++) {
		if (*s == '%')
			out[k++] = '%';
		out[k++] = *s;
	}
	out[k] = '\0';
	return out;
}

/* Characters each value may hold (besides letters and digits). */
static const struct {
	const char *extra;	/* allowed punctuation */
	bool any;		/* any printable ASCII but '"' */
	size_t max;
	const char *what;
} values[] = {
	[SV_SERVER] = { ".-_", false, 253, "is not a host name or IPv4 address" },
	[SV_SHARE] = { " ._$-", false, 80, "is not a share name (letters, digits, space, . _ $ -)" },
	[SV_USER] = { " ._@\\-", false, 104, "is not a user name (letters, digits, space, . _ @ \\ -)" },
	[SV_PASSWORD] = { NULL, true, 127, "has a double quote or a control character" },
};

const char *
script_check_value(int what, const char *s)
{
	const char *p;
	bool ok;

	if (*s == '\0' && what != SV_PASSWORD)
		return "is empty";
	if (strlen(s) > values[what].max)
		return "is too long";
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (values[what].any)
			ok = c >= 0x20 && c < 0x7f && c != '"';
		else
			ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') ||
			    (c != '\0' && strchr(values[what].extra, c));
		if (!ok)
			return values[what].what;
	}
	return NULL;
}

/* text with {server} and {share} filled in. */
static void
put_cause(struct text *t, const char *text, const char *server,
    const char *share)
{
	const char *p;

	while ((p = strchr(text, '{')) != NULL) {
		put(t, "%.*s", (int)(p - text), text);
		if (strncmp(p, "{server}", 8) == 0) {
			put(t, "%s", server);
			text = p + 8;
		} else if (strncmp(p, "{share}", 7) == 0) {
			put(t, "%s", share);
			text = p + 7;
		} else {
			put(t, "{");
			text = p + 1;
		}
	}
	put(t, "%s", text);
}

/*
 * After a failed net use: show its words, pick "System error N" out of
 * them, say the likely cause; retry (up to TRIES) what waiting can cure,
 * stop at once on the rest.
 */
static void
net_error_steps(struct text *t, const struct mkwinpe_config *c)
{
	size_t i;

	line(t, "type \"%s\"", NET_OUT);
	line(t, "set MKWINPE_ERR=");
	line(t, "for /f \"tokens=3\" %%%%e in ('findstr /b /c:\"System error\" "
	    "\"%s\"') do set MKWINPE_ERR=%%%%e", NET_OUT);
	for (i = 0; i < sizeof(net_errors) / sizeof(net_errors[0]); i++)
		line(t, "if \"%%MKWINPE_ERR%%\"==\"%u\" goto mkwinpe_e%u",
		    net_errors[i].code, net_errors[i].code);
	line(t, "echo mkwinpe: net use \\\\%s\\%s failed (System error "
	    "%%MKWINPE_ERR%%, see above)", c->smb_server, c->share);
	line(t, ":mkwinpe_retry");
	line(t, "set /a MKWINPE_TRY+=1");
	line(t, "if %%MKWINPE_TRY%% geq %d goto mkwinpe_fail", TRIES);
	line(t, "echo mkwinpe: retrying in 2 s (%%MKWINPE_TRY%%/%d)", TRIES);
	line(t, "ping -n 3 127.0.0.1 >nul");
	line(t, "goto mkwinpe_connect");
	for (i = 0; i < sizeof(net_errors) / sizeof(net_errors[0]); i++) {
		line(t, ":mkwinpe_e%u", net_errors[i].code);
		put(t, "echo mkwinpe: System error %u: ", net_errors[i].code);
		put_cause(t, net_errors[i].cause, c->smb_server, c->share);
		put(t, "\r\n");
		line(t, "goto %s", net_errors[i].retry ? "mkwinpe_retry" :
		    "mkwinpe_fail");
	}
}

int
script_build(const struct mkwinpe_config *c, bool drivers, char *buf,
    size_t cap)
{
	struct text t = { buf, cap, 0, false };
	static const char *const labconfig[] = {
		"BypassTPMCheck", "BypassSecureBootCheck", "BypassRAMCheck",
	};
	char pw[2 * 128 + 1], user[2 * 105 + 1];
	size_t i;

	if (cap == 0)
		return -1;
	buf[0] = '\0';
	pct(c->smb_password ? c->smb_password : "", pw, sizeof(pw));
	pct(c->smb_user, user, sizeof(user));
	line(&t, "@echo off");
	line(&t, "rem Generated by mkwinpe: install Windows from \\\\%s\\%s.",
	    c->smb_server, c->share);
	line(&t, "setlocal EnableExtensions");
	line(&t, "set MKWINPE_STEP=wpeinit");
	line(&t, "echo mkwinpe: starting Windows PE (wpeinit)");
	line(&t, "wpeinit || goto mkwinpe_fail");
	if (drivers) {
		line(&t, "set MKWINPE_STEP=drvload");
		line(&t, "echo mkwinpe: loading the drivers of "
		    "%%SYSTEMDRIVE%%\\mkwinpe\\drivers");
		line(&t, "for /r \"%%SYSTEMDRIVE%%\\mkwinpe\\drivers\" %%%%f in "
		    "(*.inf) do drvload \"%%%%f\"");
	}
	line(&t, "set MKWINPE_STEP=network");
	line(&t, "echo mkwinpe: waiting for the network");
	line(&t, "wpeutil WaitForNetwork >nul 2>&1");
	line(&t, "set MKWINPE_TRY=0");
	line(&t, ":mkwinpe_connect");
	line(&t, "set MKWINPE_STEP=net use I: \\\\%s\\%s", c->smb_server,
	    c->share);
	line(&t, "net use I: \"\\\\%s\\%s\" /user:\"%s\" \"%s\" "
	    "/persistent:no >\"%s\" 2>&1", c->smb_server, c->share, user, pw,
	    NET_OUT);
	line(&t, "if not errorlevel 1 goto mkwinpe_connected");
	net_error_steps(&t, c);
	line(&t, ":mkwinpe_connected");
	if (c->bypass_checks) {
		line(&t, "set MKWINPE_STEP=LabConfig");
		for (i = 0; i < sizeof(labconfig) / sizeof(labconfig[0]); i++)
			line(&t, "reg add HKLM\\SYSTEM\\Setup\\LabConfig /v %s "
			    "/t REG_DWORD /d 1 /f >nul || goto mkwinpe_fail",
			    labconfig[i]);
	}
	line(&t, "set MKWINPE_STEP=I:\\setup.exe");
	line(&t, "echo mkwinpe: starting I:\\setup.exe");
	line(&t, "I:\\setup.exe%s || goto mkwinpe_fail", c->unattend ?
	    " /unattend:%SYSTEMDRIVE%\\mkwinpe\\unattend.xml" : "");
	line(&t, "exit /b 0");
	line(&t, ":mkwinpe_fail");
	line(&t, "echo.");
	line(&t, "echo mkwinpe: the step \"%%MKWINPE_STEP%%\" failed; "
	    "here is a command prompt.");
	line(&t, "cmd.exe /k");
	return t.full ? -1 : (int)t.len;
}

int
script_winpeshl(const char *name, char *buf, size_t cap)
{
	struct text t = { buf, cap, 0, false };
	const char *dot = strrchr(name, '.');

	if (cap == 0)
		return -1;
	buf[0] = '\0';
	line(&t, "[LaunchApps]");
	/* A batch file needs cmd.exe; anything else runs as it is. */
	if (dot && (strcasecmp(dot, ".cmd") == 0 ||
	    strcasecmp(dot, ".bat") == 0))
		line(&t, "%%SYSTEMROOT%%\\System32\\cmd.exe, /c "
		    "\"%%SYSTEMDRIVE%%\\%s\"", name);
	else
		line(&t, "%%SYSTEMDRIVE%%\\%s", name);
	return t.full ? -1 : (int)t.len;
}

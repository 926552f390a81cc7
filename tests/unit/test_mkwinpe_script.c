/*
 * Unit tests for bin/mkwinpe/script.c: which values may go into the
 * generated start script, the script's steps for each option, cmd.exe's
 * quoting of '%', CRLF lines, winpeshl.ini, and buffers too small.
 */
#include <stdbool.h>
#include <string.h>

#include "../tap.h"
#include "../../bin/mkwinpe/mkwinpe.h"

static const struct {
	int what;
	const char *value;
	bool ok;
} values[] = {
	{ SV_SERVER, "10.0.0.1", true },
	{ SV_SERVER, "nas-1.example.org", true },
	{ SV_SERVER, "", false },
	{ SV_SERVER, "a b", false },
	{ SV_SERVER, "h&x", false },
	{ SV_SERVER, "h\\x", false },
	{ SV_SHARE, "win 11$", true },
	{ SV_SHARE, "a\\b", false },
	{ SV_SHARE, "a%b", false },
	{ SV_SHARE, "a\"b", false },
	{ SV_USER, "DOMAIN\\inst", true },
	{ SV_USER, "inst@example.org", true },
	{ SV_USER, "us\"er", false },
	{ SV_USER, "100%", false },
	{ SV_PASSWORD, "p%w&x<>|^!(", true },
	{ SV_PASSWORD, "", true },
	{ SV_PASSWORD, "a\"b", false },
	{ SV_PASSWORD, "a\nb", false },
	{ SV_PASSWORD, "\x7f", false },
	{ SV_PASSWORD, "caf\xc3\xa9", false },
};

static void
test_values(void)
{
	char big[200];
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		tap_ok((script_check_value(values[i].what, values[i].value) ==
		    NULL) == values[i].ok, "value %zu (\"%.*s\") %s", i,
		    (int)strcspn(values[i].value, "\n\x7f"), values[i].value,
		    values[i].ok ? "accepted" : "refused");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tap_ok(script_check_value(SV_PASSWORD, big) != NULL,
	    "a 199-character password is refused");
	big[127] = '\0';
	tap_ok(script_check_value(SV_PASSWORD, big) == NULL,
	    "a 127-character password is accepted");
}

/* Does text have line as one of its CRLF lines? */
static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\r' &&
		    p[n + 1] == '\n')
			return true;
		p += n;
	}
	return false;
}

static void
test_script(void)
{
	struct mkwinpe_config c;
	char buf[8192];
	const char *p;
	int len;
	bool crlf = true;

	memset(&c, 0, sizeof(c));
	c.smb_server = "192.0.2.7";
	c.share = "win11";
	c.smb_user = "DOM\\inst";
	c.smb_password = "se%cr&t";
	len = script_build(&c, false, buf, sizeof(buf));
	tap_ok(len > 0 && (size_t)len == strlen(buf), "plain script built");
	tap_ok(has_line(buf, "@echo off"), "  echo off first");
	tap_ok(strncmp(buf, "@echo off\r\n", 11) == 0, "  as the first line");
	tap_ok(has_line(buf, "wpeinit || goto mkwinpe_fail"), "  wpeinit");
	tap_ok(has_line(buf, "wpeutil WaitForNetwork >nul 2>&1"),
	    "  waits for the network");
	tap_ok(has_line(buf, "net use I: \"\\\\192.0.2.7\\win11\" "
	    "/user:\"DOM\\inst\" \"se%%cr&t\" /persistent:no "
	    ">\"%TEMP%\\mkwinpe-net.txt\" 2>&1"),
	    "  net use with user and password, %% doubled");
	tap_ok(has_line(buf, "goto mkwinpe_connect"), "  retries net use");
	tap_ok(strstr(buf, "/persistent:no >nul") == NULL &&
	    has_line(buf, "type \"%TEMP%\\mkwinpe-net.txt\""),
	    "  net use's own words are shown, not thrown away");
	tap_ok(has_line(buf, "for /f \"tokens=3\" %%e in ('findstr /b "
	    "/c:\"System error\" \"%TEMP%\\mkwinpe-net.txt\"') do set "
	    "MKWINPE_ERR=%%e"), "  picks N out of \"System error N\"");
	p = strstr(buf, ":mkwinpe_e86\r\n");
	tap_ok(p && strstr(p, "\r\necho mkwinpe: System error 86: the password "
	    "was refused: mkwinpe --smb-password must be the --password "
	    "pxe-smbd was started with\r\ngoto mkwinpe_fail\r\n") == p + 12,
	    "  86: names the password, stops at once");
	p = strstr(buf, ":mkwinpe_e53\r\n");
	tap_ok(p && strstr(p, "port 445 at 192.0.2.7") && strstr(p,
	    "goto mkwinpe_retry\r\n") < strstr(p, ":mkwinpe_e1231"),
	    "  53: names port 445 and the server, retries");
	p = strstr(buf, ":mkwinpe_e67\r\n");
	tap_ok(p && strstr(p, "has no share named win11") && strstr(p,
	    "goto mkwinpe_fail\r\n") < strstr(p, ":mkwinpe_e86"),
	    "  67: names the share, stops");
	tap_ok(strstr(buf, ":mkwinpe_e1326") && strstr(buf, ":mkwinpe_e58") &&
	    strstr(buf, ":mkwinpe_e1272") && strstr(buf, ":mkwinpe_e5\r\n") &&
	    strstr(buf, "if \"%MKWINPE_ERR%\"==\"1272\" goto mkwinpe_e1272"),
	    "  1326, 58, 1272 and 5 have their causes");
	tap_ok(strstr(buf, "not reachable yet") == NULL,
	    "  no generic 'not reachable' for every failure");
	tap_ok(has_line(buf, "if %MKWINPE_TRY% geq 30 goto mkwinpe_fail"),
	    "  30 times");
	tap_ok(has_line(buf, "I:\\setup.exe || goto mkwinpe_fail"),
	    "  runs setup.exe without /unattend");
	tap_ok(has_line(buf, "cmd.exe /k"), "  a prompt on failure");
	tap_ok(strstr(buf, "drvload") == NULL, "  no drvload");
	tap_ok(strstr(buf, "LabConfig") == NULL, "  no LabConfig");
	for (p = buf; *p; p++)
		if (*p == '\n' && (p == buf || p[-1] != '\r'))
			crlf = false;
	tap_ok(crlf && len >= 2 && buf[len - 2] == '\r' && buf[len - 1] ==
	    '\n', "  every line ends in CRLF");

	c.unattend = "/tmp/u.xml";
	c.bypass_checks = true;
	len = script_build(&c, true, buf, sizeof(buf));
	tap_ok(len > 0, "full script built");
	tap_ok(has_line(buf, "for /r \"%SYSTEMDRIVE%\\mkwinpe\\drivers\" "
	    "%%f in (*.inf) do drvload \"%%f\""), "  loads the drivers");
	tap_ok(strstr(buf, "drvload") < strstr(buf, "WaitForNetwork"),
	    "  before waiting for the network");
	tap_ok(has_line(buf, "reg add HKLM\\SYSTEM\\Setup\\LabConfig /v "
	    "BypassTPMCheck /t REG_DWORD /d 1 /f >nul || goto mkwinpe_fail"),
	    "  BypassTPMCheck");
	tap_ok(strstr(buf, "BypassSecureBootCheck") &&
	    strstr(buf, "BypassRAMCheck"), "  Secure Boot and RAM too");
	tap_ok(strstr(buf, "BypassRAMCheck") < strstr(buf, "I:\\setup.exe "),
	    "  before setup.exe");
	tap_ok(has_line(buf, "I:\\setup.exe /unattend:%SYSTEMDRIVE%\\mkwinpe"
	    "\\unattend.xml || goto mkwinpe_fail"), "  setup.exe /unattend:");

	tap_is(script_build(&c, true, buf, 100), -1, "a small buffer: -1");
	tap_is(script_build(&c, true, buf, 0), -1, "no buffer: -1");
	tap_is(script_build(&c, true, buf, (size_t)len), -1,
	    "one byte short of the NUL: -1");
	tap_is(script_build(&c, true, buf, (size_t)len + 1), len,
	    "exactly enough");
}

static void
test_winpeshl(void)
{
	char buf[256];

	tap_ok(script_winpeshl("mkwinpe.cmd", buf, sizeof(buf)) > 0 &&
	    strcmp(buf, "[LaunchApps]\r\n%SYSTEMROOT%\\System32\\cmd.exe, "
	    "/c \"%SYSTEMDRIVE%\\mkwinpe.cmd\"\r\n") == 0,
	    "a .cmd runs through cmd.exe");
	tap_ok(script_winpeshl("GO.BAT", buf, sizeof(buf)) > 0 &&
	    strstr(buf, "cmd.exe, /c \"%SYSTEMDRIVE%\\GO.BAT\""),
	    "so does .BAT");
	tap_ok(script_winpeshl("tool.exe", buf, sizeof(buf)) > 0 &&
	    strcmp(buf, "[LaunchApps]\r\n%SYSTEMDRIVE%\\tool.exe\r\n") == 0,
	    "an .exe runs as it is");
	tap_is(script_winpeshl("mkwinpe.cmd", buf, 10), -1,
	    "a small buffer: -1");
}

int
main(void)
{
	test_values();
	test_script();
	test_winpeshl();
	return tap_done();
}

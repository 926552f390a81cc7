# winpe.mk: a TFTP root that boots Windows PE, made with GNU make from a
# Windows ISO.  Run it (make -f winpe.mk WINDOWS_ISO=Win11.iso
# SMB_SERVER=192.168.42.1) or include it in a Makefile of your own; see
# mkwinpe(1), "MAKEFILES".  pxe-winstall uses it too.
#
# Targets: all (the default: tree), winpe (TFTP_ROOT/winpe.iso), tree
# (pxelinux and memdisk installed, the menu, winpe.iso; with IPXE set,
# iPXE and boot.ipxe too), check (mkpxemenu
# check of the tree; also winpe-check, for Makefiles with a check of their
# own).  Only what changed is remade: mkwinpe's --depfile names every file
# it read (drivers and overlay files one by one), and the settings below
# are kept in WINPE_STATE/settings, rewritten only when they change.  Safe
# under make -j; a second make does nothing.  Paths must not hold spaces.

# The inputs.
WINDOWS_ISO ?=
# A ready image to serve instead of building one (hard-linked, or copied).
WINPE_ISO ?=
TFTP_ROOT ?= tftp
# The generated start script: net use \\SMB_SERVER\SMB_SHARE, setup.exe.
SMB_SERVER ?=
SMB_SHARE ?= install
SMB_USER ?=
SMB_PASSWORD_FILE ?=
# Or a start script of your own (instead of SMB_SERVER).
START_SCRIPT ?=
OVERLAY ?=
DRIVERS ?=
UNATTEND ?=
# Other mkwinpe options, e.g. --bypass-checks or --arch x64.
MKWINPE_FLAGS ?=
# A mkpxemenu spec; by default a WinPE entry and the local disk, with
# MENU_TIMEOUT seconds and, when MENU_SERIAL is set (0,115200), a serial
# console.
MENU_SPEC ?=
MENU_TIMEOUT ?= 10
MENU_SERIAL ?=
# The fast path: when IPXE is set (to anything), iPXE's loaders are
# installed too and TFTP_ROOT/boot.ipxe is written from the same spec, its
# files fetched over HTTP from HTTP_BASE (default: from where boot.ipxe
# itself came), an ISO through IPXE_ISO_BOOT (memdisk or sanboot) on BIOS.
IPXE ?=
HTTP_BASE ?=
IPXE_ISO_BOOT ?= memdisk
MKWINPE ?= mkwinpe
MKPXEMENU ?= mkpxemenu
# Where winpe.mk keeps its state (settings, the depfile, the menu spec).
WINPE_STATE ?= $(TFTP_ROOT).state

winpe_iso := $(TFTP_ROOT)/winpe.iso
winpe_menu := $(TFTP_ROOT)/pxelinux.cfg/default
winpe_ipxe := $(if $(IPXE),$(TFTP_ROOT)/boot.ipxe)
winpe_installed := $(WINPE_STATE)/installed
winpe_spec := $(if $(MENU_SPEC),$(MENU_SPEC),$(WINPE_STATE)/menu.spec)
winpe_target := $(winpe_iso)

all: tree
winpe: winpe-image
tree: $(winpe_installed) $(winpe_menu) $(winpe_ipxe) winpe-image
check: winpe-check
winpe-check: tree
	$(MKPXEMENU) check --root $(TFTP_ROOT)
.PHONY: all winpe tree check winpe-check winpe-force winpe-image
winpe-force:

# The settings, and the default menu spec, are written at parse time and
# only when they change, so that an unchanged setting runs no recipe.
winpe_settings := winpe.mk 1|$(WINDOWS_ISO)|$(WINPE_ISO)|$(SMB_SERVER)|$(SMB_SHARE)|$(SMB_USER)|$(SMB_PASSWORD_FILE)|$(START_SCRIPT)|$(OVERLAY)|$(DRIVERS)|$(UNATTEND)|$(MKWINPE_FLAGS)
ifneq ($(file <$(WINPE_STATE)/settings),$(winpe_settings))
$(shell mkdir -p $(WINPE_STATE))
$(file >$(WINPE_STATE)/settings.tmp,$(winpe_settings))
$(shell mv -f $(WINPE_STATE)/settings.tmp $(WINPE_STATE)/settings)
endif

# boot.ipxe's own settings, kept the same way.
winpe_ipxe_settings := $(IPXE)|$(HTTP_BASE)|$(IPXE_ISO_BOOT)
ifneq ($(file <$(WINPE_STATE)/ipxe.settings),$(winpe_ipxe_settings))
$(shell mkdir -p $(WINPE_STATE))
$(file >$(WINPE_STATE)/ipxe.settings.tmp,$(winpe_ipxe_settings))
$(shell mv -f $(WINPE_STATE)/ipxe.settings.tmp $(WINPE_STATE)/ipxe.settings)
endif

define winpe_default_spec
# The seed's menu, written by winpe.mk.
timeout $(MENU_TIMEOUT)
$(if $(MENU_SERIAL),serial $(MENU_SERIAL))
entry winpe:winpe=Windows PE:winpe.iso
entry local:disk=Boot from the local disk
endef
ifeq ($(MENU_SPEC),)
ifneq ($(file <$(winpe_spec)),$(winpe_default_spec))
$(shell mkdir -p $(WINPE_STATE))
$(file >$(winpe_spec).tmp,$(winpe_default_spec))
$(shell mv -f $(winpe_spec).tmp $(winpe_spec))
endif
endif

winpe_args = $(strip $(if $(SMB_SERVER),--smb-server $(SMB_SERVER) \
	--share $(SMB_SHARE)) $(if $(SMB_USER),--smb-user $(SMB_USER)) \
	$(if $(SMB_PASSWORD_FILE),--smb-password-file $(SMB_PASSWORD_FILE)) \
	$(if $(START_SCRIPT),--start-script $(START_SCRIPT)) \
	$(if $(OVERLAY),--overlay $(OVERLAY)) \
	$(if $(DRIVERS),--drivers $(DRIVERS)) \
	$(if $(UNATTEND),--unattend $(UNATTEND)) $(MKWINPE_FLAGS))

$(TFTP_ROOT) $(WINPE_STATE):
	mkdir -p $@

ifneq ($(WINPE_ISO),)
# A ready image: hard-linked (or copied) into the root.  The link keeps
# the image's own time, so a stamp says when it was served.
winpe_target := $(WINPE_STATE)/served
$(winpe_target): $(WINPE_ISO) $(WINPE_STATE)/settings | $(TFTP_ROOT)
	if [ ! $(WINPE_ISO) -ef $(winpe_iso) ]; then rm -f $(winpe_iso).tmp && \
	{ ln $(WINPE_ISO) $(winpe_iso).tmp 2>/dev/null || \
	cp $(WINPE_ISO) $(winpe_iso).tmp; } && mv -f $(winpe_iso).tmp $(winpe_iso); fi
	touch $@
else
$(winpe_iso): $(WINDOWS_ISO) $(START_SCRIPT) $(UNATTEND) $(OVERLAY) \
    $(DRIVERS) $(SMB_PASSWORD_FILE) $(WINPE_STATE)/settings | $(TFTP_ROOT)
	@test -n "$(WINDOWS_ISO)" || { echo "winpe.mk: set WINDOWS_ISO (or WINPE_ISO, a ready image)" >&2; exit 2; }
	$(MKWINPE) --quiet --force --iso $@ --depfile $(WINPE_STATE)/winpe.d \
	    $(winpe_args) $(WINDOWS_ISO)
-include $(WINPE_STATE)/winpe.d
endif
winpe-image: $(winpe_target)

# Installed once; again when the TFTP root lost them.
$(winpe_installed): $(if $(wildcard $(TFTP_ROOT)/pxelinux.0),,winpe-force) \
    $(if $(IPXE),$(if $(wildcard $(TFTP_ROOT)/undionly.kpxe),,winpe-force)) \
    | $(TFTP_ROOT) $(WINPE_STATE)
	$(MKPXEMENU) install --quiet --no-efi $(if $(IPXE),--ipxe) --root $(TFTP_ROOT)
	touch $@

$(winpe_menu): $(winpe_spec) | $(TFTP_ROOT)
	$(MKPXEMENU) --spec $(winpe_spec) --root $(TFTP_ROOT)

ifneq ($(IPXE),)
$(winpe_ipxe): $(winpe_spec) $(WINPE_STATE)/ipxe.settings | $(TFTP_ROOT)
	$(MKPXEMENU) --spec $(winpe_spec) --format ipxe \
	    $(if $(HTTP_BASE),--http-base $(HTTP_BASE)) \
	    --iso-boot $(IPXE_ISO_BOOT) --root $(TFTP_ROOT)
endif

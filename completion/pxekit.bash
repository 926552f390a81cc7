# bash completion for pxekit's programs.  The options come from the
# program's own --help (so they never fall behind it); values from the
# option's metavar there (IFACE: the interfaces, DIR: folders, FILE:
# files, a|b|c: those words) and from the few lists below.  Installed once
# as pxe-dhcpd, and under each other program's name as a link, for
# bash-completion's on-demand loading; sourcing it by hand works too.

# PXE client architectures pxe-dhcpd's --boot and --http-boot take
# (lib/libpxe/dhcp.c's arch_names; tests/integration/install.sh checks).
_pxekit_archs='bios efi-ia32 efi-bc efi-x64 efi-arm32 efi-arm64 efi-ia32-http efi-x64-http efi-arm32-http efi-arm64-http efi-riscv64'

# _pxekit_help CMD [SUBCOMMAND]: "SHORT LONG METAVAR" a line ("-" for none).
_pxekit_help() {
	"$@" --help 2>/dev/null | sed -n \
	    -e 's/^  \(-[A-Za-z0-9]\), --\([a-z0-9-]*\) \([^ ]\{1,\}\) .*/\1 --\2 \3/p' \
	    -e 's/^  \(-[A-Za-z0-9]\), --\([a-z0-9-]*\)  .*/\1 --\2 -/p' \
	    -e 's/^      --\([a-z0-9-]*\) \([^ ]\{1,\}\) .*/- --\1 \2/p' \
	    -e 's/^      --\([a-z0-9-]*\)  .*/- --\1 -/p'
}

# _pxekit_words WORDS...: the words starting with $cur.
_pxekit_words() {
	local IFS=$' \t\n'
	COMPREPLY+=($(compgen -W "$*" -- "$cur"))
}

_pxekit_files() {
	compopt -o filenames 2>/dev/null
	local IFS=$'\n'
	COMPREPLY+=($(compgen -f -- "$cur"))
}

_pxekit_dirs() {
	compopt -o filenames 2>/dev/null
	local IFS=$'\n'
	COMPREPLY+=($(compgen -d -- "$cur"))
}

_pxekit_ifaces() {
	local i names=
	for i in /sys/class/net/*; do
		[ -e "$i" ] && names="$names ${i##*/}"
	done
	_pxekit_words $names
}

# _pxekit_value CMD OPTION METAVAR: complete $cur as OPTION's value.
_pxekit_value() {
	local cmd=$1 opt=$2 meta=$3 pre
	case "$cmd:$opt" in
	mkwinpe:--arch) _pxekit_words x86 x64 arm64; return ;;
	*:--log) _pxekit_words stderr syslog; _pxekit_files; return ;;
	*:--user) [ "$meta" = USER ] && { COMPREPLY+=($(compgen -u -- "$cur")); return; } ;;
	mkpxemenu:--entry)
		case "$cur" in
		*:*) ;;
		*) compopt -o nospace 2>/dev/null
		   _pxekit_words linux: iso: winpe: local: chain: ipxe:; return ;;
		esac ;;
	esac
	case "$meta" in
	-) return 1 ;;
	'[ARCH=]'*)
		if [[ $cur == *=* ]]; then
			pre=${cur%%=*}=
			cur=${cur#*=}
			_pxekit_files
			COMPREPLY=("${COMPREPLY[@]/#/$pre}")
		else
			compopt -o nospace 2>/dev/null
			_pxekit_words $(printf '%s= ' $_pxekit_archs)
			_pxekit_files
		fi ;;
	NAME=PATH)
		if [[ $cur == *=* ]]; then
			pre=${cur%%=*}=
			cur=${cur#*=}
			_pxekit_files
			COMPREPLY=("${COMPREPLY[@]/#/$pre}")
		fi ;;
	*[a-z]\|[a-z]*) _pxekit_words ${meta//|/ } ;;
	IFACE) _pxekit_ifaces ;;
	DIR) _pxekit_dirs ;;
	FILE|FILE\|*|PATH|*.iso|*.ISO) _pxekit_files ;;
	esac
	return 0
}

_pxekit() {
	local cmd=${1##*/} cur prev opts line sub= i w short long meta
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
	COMPREPLY=()
	# "--boot=bios=x": bash splits at '=' (COMP_WORDBREAKS); join it back.
	# "--boot bios=p" is (--boot bios = p): the part after '=' is a file.
	i=$COMP_CWORD
	if [ "$cur" = = ]; then
		cur=
		[[ $prev == -* ]] || prev="$prev="
	fi
	if [ "$prev" = = ] && (( i >= 2 )); then
		prev=${COMP_WORDS[i-2]}
		[[ $prev == -* ]] || prev="$prev="
	fi
	if [[ $prev == [!-]*= ]]; then
		(( i >= 3 )) && [[ ${COMP_WORDS[i-3]} == -* ]] && _pxekit_files
		[ "$cur" = "" ] && (( i >= 2 )) && [[ ${COMP_WORDS[i-2]} == -* ]] &&
		    _pxekit_files
		return 0
	fi
	if [ "$cmd" = mkpxemenu ]; then
		case "${COMP_WORDS[1]}" in
		lookup|install|check) (( COMP_CWORD > 1 )) && sub=${COMP_WORDS[1]} ;;
		esac
	fi
	opts=$(_pxekit_help "$1" $sub)
	# The value of the option just before, if it takes one.
	if [[ $prev == -* ]]; then
		while read -r short long meta; do
			if [ "$prev" = "$short" ] || [ "$prev" = "$long" ]; then
				[ "$meta" = - ] && break
				_pxekit_value "$cmd" "$long" "$meta"
				return 0
			fi
		done <<< "$opts"
	fi
	# --option=value in one word
	if [[ $cur == --*=* ]]; then
		w=${cur%%=*}
		cur=${cur#*=}
		while read -r short long meta; do
			[ "$w" = "$long" ] && _pxekit_value "$cmd" "$long" "$meta"
		done <<< "$opts"
		return 0
	fi
	if [[ $cur == -* ]]; then
		_pxekit_words $(printf '%s\n' "$opts" | cut -d' ' -f2)
		return 0
	fi
	if [ "$cmd" = mkpxemenu ] && (( COMP_CWORD == 1 )); then
		_pxekit_words lookup install check
	fi
	# Operands: the ISO of mkwinpe and pxe-winstall, pxe-sniff's nothing.
	case "$cmd" in
	mkwinpe|pxe-winstall) _pxekit_files ;;
	esac
	return 0
}
complete -F _pxekit pxe-dhcpd pxe-tftpd pxe-smbd pxe-sniff mkpxemenu mkwinpe pxe-winstall

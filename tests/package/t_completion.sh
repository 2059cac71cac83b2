#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# The bash completion (packaging/qpybak.bash-completion): shellcheck is
# clean, and what it offers is what `qpybak --help` says: the commands, and
# for each command the options of its synopsis line; directories after
# --usr and --bak; device paths (/usr/...) for calc.
. "$(dirname "$0")/lib.sh"
comp=$QPYBAK_SRC/packaging/qpybak.bash-completion
w=$(fresh completion)
if command -v shellcheck >/dev/null; then
    shellcheck -s bash "$comp" || fail "shellcheck $comp"
    ok "shellcheck: clean"
else
    shellcheck_missing=1
fi

# complete WORD...: what the completion offers for the command line WORD...
# (the last word is the one being completed), sorted, one line.
complete_line() {
    bash --norc --noprofile -c '
        . "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _qpybak qpybak "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@" | sed 's/ *$//; /^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}
# expect WANT WORD...: complete_line WORD... must give WANT (sorted words).
expect() {
    local want got
    want=$(tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
    shift
    got=$(complete_line "$@")
    [ "$got" = "$want" ] || fail "completing '$*': got '$got', expected '$want'"
}

help=$("$QPYBAK_BIN" --help)
synopsis=$(sed -n '1,/^$/p' <<<"$help" | sed 's/^usage://')
commands=$(sed -n 's/^ *qpybak \([a-z]*\).*/\1/p' <<<"$synopsis" | sort -u | tr '\n' ' ')
expect "$commands --help --version" qpybak ""
n=0
while read -r line; do
    # "qpybak boot --usr USR_DIR ... [-v]" -> command and its option words.
    cmd=$(sed -n 's/^qpybak \(fota apply\|[a-z]*\).*/\1/p' <<<"$line")
    [ -n "$cmd" ] || continue
    opts=$({ grep -oE '(^|[ [])--?[a-z][a-z-]*' <<<"${line#qpybak "$cmd"}" || true; } | tr -d ' [' | sort -u | tr '\n' ' ')
    # shellcheck disable=SC2086
    expect "$opts --help" qpybak $cmd -
    n=$((n + 1))
done <<<"$(sed 's/^ *//' <<<"$synopsis")"
[ "$n" -ge 6 ] || fail "found $n command lines in --help"
ok "the commands and each command's options, as --help has them ($n synopsis lines)"

expect "apply" qpybak fota a
mkdir -p "$w/tree/usr/lib" "$w/tree/bak" "$w/tree/usr/.qpybak"
: >"$w/tree/usr/main.py"
: >"$w/tree/usr/lib/util.py"
cd "$w/tree"
expect "bak" qpybak boot --usr usr --bak b
expect "usr" qpybak status --bak bak --usr u
expect "usr" qpybak status --usr = u
expect "/usr/lib/ /usr/main.py" qpybak calc --usr usr /usr/
expect "/usr/lib/util.py" qpybak calc --usr=usr /usr/lib/u
expect "/usr/main.py" qpybak calc --usr = usr /usr/m
ok "directories for --usr and --bak, device paths for calc"
[ -z "${shellcheck_missing:-}" ] || skip "shellcheck not found (Debian package shellcheck): the completion's behaviour passed"

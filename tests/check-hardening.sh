#!/usr/bin/env bash
# Every program of the release builds (native and arm64: the ones the .deb ships, their unit
# tests and fuzz replayers) is built the way Debian hardens its packages: a position
# independent executable, full RELRO (GNU_RELRO and BIND_NOW), no executable stack, the stack
# protector and FORTIFY_SOURCE's checked functions. First the checker must catch a program
# built without any of that, so that it cannot pass by looking at nothing.
# Prints PASS/FAIL lines. Usage: tests/check-hardening.sh BUILD_DIR [ARM64_BUILD_DIR]
set -u
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# problems ELF [fortify]: what it lacks, one word each; nothing when hardened.
problems() {
    local elf=$1 fortify=${2:-yes} h l d s
    h=$(readelf -hW "$elf" 2>/dev/null) || { echo not-elf; return; }
    l=$(readelf -lW "$elf" 2>/dev/null)
    d=$(readelf -dW "$elf" 2>/dev/null)
    s=$(readelf --dyn-syms -W "$elf" 2>/dev/null)
    grep -q 'Type:[[:space:]]*DYN' <<<"$h" || echo no-pie
    grep -q 'GNU_RELRO' <<<"$l" || echo no-relro
    grep -Eq '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW|\(BIND_NOW\)' <<<"$d" || echo no-bind-now
    grep -E 'GNU_STACK' <<<"$l" | grep -q 'RWE' && echo executable-stack
    grep -q 'GNU_STACK' <<<"$l" || echo executable-stack
    grep -q '__stack_chk_fail' <<<"$s" || echo no-stack-protector
    [ "$fortify" = no ] || grep -Eq ' __[a-z0-9_]+_chk(@|$)' <<<"$s" || echo no-fortify
}

# The checker on a program built with none of it (with an on-stack buffer and a memcpy, so
# that only the flags make the difference).
cat >"$tmp/t.c" <<'C'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
    char buf[64];
    memcpy(buf, argv[0], strlen(argv[0]) % sizeof buf);
    snprintf(buf, sizeof buf, "%d %s", argc, argv[argc - 1]);
    return puts(buf) < 0;
}
C
if cc -O2 -fno-stack-protector -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=0 -no-pie -fno-pie \
    -Wl,-z,norelro -Wl,-z,lazy -Wl,-z,execstack "$tmp/t.c" -o "$tmp/weak" 2>"$tmp/cc.err"; then
    got=$(problems "$tmp/weak" | tr '\n' ' ')
    want="no-pie no-relro no-bind-now executable-stack no-stack-protector no-fortify "
    [ "$got" = "$want" ] && echo "PASS hardening/catches-unhardened" ||
        echo "FAIL hardening/catches-unhardened: found '$got', expected '$want'"
else
    echo "FAIL hardening/catches-unhardened: $(head -2 "$tmp/cc.err" | tr '\n' ' ')"
fi

check_build() { # check_build DIR LABEL
    local dir=$1 label=$2 n=0 f bad
    [ -x "$dir/kiosk" ] || { echo "FAIL hardening/$label: no $dir/kiosk"; return; }
    for f in "$dir"/* "$dir"/tests/*; do
        if [ ! -f "$f" ] || [ ! -x "$f" ]; then continue; fi
        case "$f" in *.so | *.a | *.d) continue ;; esac
        head -c4 "$f" | grep -q 'ELF' || continue
        n=$((n + 1))
        # Fuzz replayers and unit tests need not call a checked function; every program the
        # package ships must.
        case "$(basename "$f")" in test_* | fuzz_*) bad=$(problems "$f" no) ;; *) bad=$(problems "$f") ;; esac
        [ -z "$bad" ] && echo "PASS hardening/$label/$(basename "$f")" ||
            echo "FAIL hardening/$label/$(basename "$f"): $(tr '\n' ' ' <<<"$bad")"
    done
    [ "$n" -ge 4 ] || echo "FAIL hardening/$label: only $n programs in $dir"
}
check_build "$1" "$(dpkg --print-architecture)"
[ -z "${2:-}" ] || check_build "$2" arm64

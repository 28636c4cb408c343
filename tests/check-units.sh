#!/usr/bin/env bash
# The board's systemd units, as `systemd-analyze security` scores them, and the kiosk under
# the kiosk unit's system call filter and address families.
#  - every service in board/raspberrypi/ (a template with the instance "poweroff") scores
#    3.0 or lower, "OK" (and a unit without any hardening does not: the check can fail);
#  - the release kiosk, traced with strace through a Bangla flow with screenshots, a receipt
#    to a TCP printer and a test page to a file, as an unprivileged user, makes only system
#    calls that the unit's SystemCallFilter= lines allow, and opens only sockets of the
#    families its RestrictAddressFamilies= allows.
# (systemd itself cannot run the kiosk here: no service manager in CI's container.
# tools/boot-test runs the real unit on the booted image.)
# Prints PASS/FAIL lines. Usage: tests/check-units.sh BUILD_DIR
set -u
cd "$(dirname "$0")/.." || exit 1
build=$1
tmp=$(mktemp -d)
chmod 0755 "$tmp"
printer_pid=""
trap '[ -z "$printer_pid" ] || kill "$printer_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
max=3.0

# ---- exposure scores ----
units=$tmp/root/lib/systemd/system
mkdir -p "$units"
cp board/raspberrypi/*.service board/raspberrypi/*.path "$units/"
printf '[Service]\nExecStart=/bin/true\n' >"$units/check-bare.service"
score() { # score UNIT -> "N.N LEVEL", exit status 1 above $max
    local out rc
    out=$(systemd-analyze security --offline=true --root="$tmp/root" \
        --threshold="${max/./}" "$1" 2>&1)
    rc=$?
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]* [A-Z]*\).*/\1/p' <<<"$out"
    return "$rc"
}
if s=$(score check-bare.service); then
    echo "FAIL units/score-catches-bare: a unit without hardening scored $s"
else
    echo "PASS units/score-catches-bare"
fi
for f in board/raspberrypi/*.service; do
    u=$(basename "$f")
    case "$u" in *@.service) u=${u%@.service}@poweroff.service ;; esac
    if s=$(score "$u") && [ -n "$s" ]; then
        echo "PASS units/score-$u"
        echo "security $u: $s"
    else
        echo "FAIL units/score-$u: ${s:-no score} (at most $max)"
    fi
done

# ---- the kiosk's system calls and sockets, against its unit ----
unit=board/raspberrypi/sheba-kiosk.service
expand() { # expand NAME|@GROUP: the system calls it stands for
    case "$1" in
    @*) systemd-analyze syscall-filter "$1" | awk 'NR > 1 && $1 !~ /^#/ {print $1}' |
        while read -r x; do expand "$x"; done ;;
    *) echo "$1" ;;
    esac
}
: >"$tmp/allow"
: >"$tmp/deny"
while read -r line; do
    v=${line#SystemCallFilter=}
    case "$v" in
    "~"*) for x in ${v#"~"}; do expand "$x"; done >>"$tmp/deny" ;;
    *) for x in $v; do expand "$x"; done >>"$tmp/allow" ;;
    esac
done < <(grep '^SystemCallFilter=' "$unit")
sort -u "$tmp/allow" >"$tmp/allow.s"
sort -u "$tmp/deny" >"$tmp/deny.s"
comm -23 "$tmp/allow.s" "$tmp/deny.s" >"$tmp/allowed"
families=$(sed -n 's/^RestrictAddressFamilies=//p' "$unit")

if [ "$(wc -l <"$tmp/allowed")" -lt 100 ]; then
    echo "FAIL units/kiosk-syscalls: the unit allows only $(wc -l <"$tmp/allowed") system calls?"
elif ! command -v strace >/dev/null; then
    echo "FAIL units/kiosk-syscalls: strace is not installed"
else
    # A TCP printer that says it is ready, so the kiosk prints over AF_INET.
    python3 tests/fake-printer.py --mode online --out "$tmp/tcp.bin" --port-file "$tmp/port" &
    printer_pid=$!
    for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
    mkdir -p "$tmp/data" "$tmp/shots" "$tmp/app/build"
    chown -R 65534:65534 "$tmp/data" "$tmp/shots" 2>/dev/null
    # The program, its assets and the replay where that user can read them, whatever the
    # folder of this checkout allows.
    cp "$build/kiosk" "$tmp/app/build/kiosk"
    cp -r assets fonts "$tmp/app/"
    cp tests/e2e/flow_bn.replay "$tmp/app/"
    chmod -R a+rX "$tmp/app"
    # As the kiosk user would be (SQLite changes file owners only as root), with
    # NOTIFY_SOCKET as systemd sets it.
    as_user=()
    [ "$(id -u)" != 0 ] || as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    trace() { # trace NAME ARGS...
        NOTIFY_SOCKET=$tmp/notify strace -f -qq -o "$tmp/trace-$1" "${as_user[@]}" \
            "$tmp/app/build/kiosk" --headless --assets "$tmp/app" --data "$tmp/data" "${@:2}" \
            >"$tmp/out-$1" 2>&1 ||
            echo "FAIL units/kiosk-run-$1: $(tail -2 "$tmp/out-$1" | tr '\n' ' ')"
    }
    trace flow --shots "$tmp/shots" --printer "tcp:127.0.0.1:$(cat "$tmp/port")" \
        --replay "$tmp/app/flow_bn.replay"
    trace test-page --print-test --printer "file:$tmp/data/page.bin"
    # System calls the kiosk made (from its execve on, not setpriv's), by name.
    used=$(for t in "$tmp"/trace-*; do
        awk '/execve\("[^"]*\/kiosk".* = 0/ {on = 1} on' "$t"
    done | sed -E 's/^[0-9]+ +//' | grep -oE '^[a-z_0-9]+\(' | tr -d '(' | sort -u)
    bad=$(comm -23 <(echo "$used") "$tmp/allowed" | tr '\n' ' ')
    [ -n "$used" ] && [ -z "$bad" ] && echo "PASS units/kiosk-syscalls" ||
        echo "FAIL units/kiosk-syscalls: not allowed by $unit: ${bad:-no trace}"
    grep -q 'connect(.*AF_INET' "$tmp/trace-flow" && [ -s "$tmp/tcp.bin" ] &&
        echo "PASS units/kiosk-traced-tcp-print" ||
        echo "FAIL units/kiosk-traced-tcp-print: the receipt did not go over TCP"
    bad=""
    while read -r fam; do
        [[ " $families " == *" $fam "* ]] || bad="$bad $fam"
    done < <(cat "$tmp"/trace-* | grep -oE 'socket\(AF_[A-Z0-9]+' | cut -c8- | sort -u)
    [ -z "$bad" ] && echo "PASS units/kiosk-address-families" ||
        echo "FAIL units/kiosk-address-families:$bad not in RestrictAddressFamilies=$families"
    # MemoryDenyWriteExecute= is off for Mesa's llvmpipe; say whether the kiosk itself would
    # need writable and executable memory.
    wx=$(cat "$tmp"/trace-* | grep -cE 'PROT_WRITE\|PROT_EXEC|mprotect\(.*PROT_EXEC' || true)
    echo "kiosk: $(echo "$used" | wc -l) distinct system calls, $wx W+X mappings"
fi

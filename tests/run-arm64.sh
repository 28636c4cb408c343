#!/usr/bin/env bash
# The arm64 build under qemu-user: its unit tests, then the end-to-end replays against the
# same golden screenshots as the native build (the pictures must not depend on the CPU).
# Ends with "N passed, N failed". Usage: tests/run-arm64.sh ARM64_BUILD_DIR HOST_BUILD_DIR
set -u
cd "$(dirname "$0")/.." || exit 1
arm=$1
host=$2
qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64)
pass=0
fail=0
failures=()
[ -n "$qemu" ] || { echo "qemu-aarch64 is not installed"; echo "0 passed, 1 failed"; exit 1; }
# ELF e_machine (offset 18) is 0xB7 for AArch64.
[ "$(od -An -tx1 -j18 -N2 "$arm/kiosk" 2>/dev/null | tr -d ' ')" = b700 ] || {
    echo "$arm/kiosk is not an arm64 program"; echo "0 passed, 1 failed"; exit 1; }
export CMOCKA_MESSAGE_OUTPUT=TAP
echo "Unit tests (arm64, under $(basename "$qemu"))"
for t in "$arm"/tests/test_*; do
    [ -x "$t" ] || continue
    # The USB printer emulation preloads a host library into the process: not under qemu.
    case "$t" in *test_usb_printer) continue ;; esac
    out=$("$qemu" "$t" 2>&1)
    rc=$?
    ok=$(grep -c '^ok ' <<<"$out")
    bad=$(grep -c '^not ok ' <<<"$out")
    pass=$((pass + ok))
    fail=$((fail + bad))
    while IFS= read -r l; do failures+=("$(basename "$t"): $l"); done < <(grep '^not ok ' <<<"$out")
    if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] || [ "$ok" -eq 0 ]; then
        fail=$((fail + 1))
        failures+=("$(basename "$t"): exit status $rc: $(tail -3 <<<"$out" | tr '\n' ' ')")
    fi
    echo "  $(basename "$t"): $ok ok, $bad failed"
done
echo "End-to-end replays (arm64 kiosk, host tools)"
while IFS= read -r line; do
    case "$line" in
    PASS\ *) pass=$((pass + 1)) ;;
    FAIL\ *) fail=$((fail + 1)); failures+=("${line#FAIL }"); echo "  $line" ;;
    esac
done < <(KIOSK_WRAPPER="$qemu" tests/run-e2e.sh "$arm" "$host" 2>&1)
if [ "$fail" -gt 0 ]; then
    echo
    echo "Failures:"
    printf '  %s\n' "${failures[@]}"
fi
echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

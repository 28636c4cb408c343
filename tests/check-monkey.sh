#!/usr/bin/env bash
# Random input against the real app: 100 000 events under ASan+UBSan (crashes, undefined
# behaviour, leaks at exit) and on the release build (memory must stay flat), each with two
# seeds' worth of variety. Prints PASS/FAIL lines. Usage: tests/check-monkey.sh BUILD SAN [N]
set -u
cd "$(dirname "$0")/.." || exit 1
n=${3:-100000}
# The journal commits with fsync: on tmpfs that costs nothing, so the events stay quick.
base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base=/tmp
tmp=$(mktemp -d "$base/kiosk-monkey-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
run() { # run LABEL KIOSK SEED EVENTS SIZE
    local out
    if out=$("$2" --headless --size "$5" --data "$tmp/$1-$3" --signing-key \
        tests/data/signing-test.key --printer "file:$tmp/$1-$3.bin" --monkey "$4" \
        --seed "$3" 2>"$tmp/err"); then
        echo "PASS monkey/$1 seed $3 at $5: $out"
    else
        echo "FAIL monkey/$1 seed $3 at $5: $(tail -5 "$tmp/err" | tr '\n' ' ')"
    fi
}
run san "$2/kiosk" 1 "$n" 800x480
run release "$1/kiosk" 2 "$n" 480x800

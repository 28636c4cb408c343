#!/usr/bin/env bash
# Run every test against the release build and the ASan+UBSan build; print what failed and
# end with "N passed, N failed". Usage: tests/run.sh BUILD_DIR SAN_BUILD_DIR
set -u
cd "$(dirname "$0")/.." || exit 1
release=$1
san=$2
arm64=${3:-}
pass=0
fail=0
failures=()

record() { # record pass|fail NAME [REASON]
    if [ "$1" = pass ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        failures+=("$2${3:+: $3}")
    fi
}

# Leaks are errors; the suppressions cover libraries' one-time allocations, not ours.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export CMOCKA_MESSAGE_OUTPUT=TAP

run_unit() { # run_unit BUILD_DIR LABEL
    for t in "$1"/tests/test_*; do
        [ -x "$t" ] || continue
        local name out rc ok bad
        name="$2/$(basename "$t")"
        case "$(basename "$t")" in
        # The emulated USB printer: umockdev's preload must see libusb's device access.
        # ASan wants to be first in the preload list; umockdev's library is harmless before it.
        test_usb*) out=$(ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
            umockdev-wrapper "$t" 2>&1) ;;
        *) out=$("$t" 2>&1) ;;
        esac
        rc=$?
        ok=$(grep -c '^ok ' <<<"$out")
        bad=$(grep -c '^not ok ' <<<"$out")
        pass=$((pass + ok))
        if [ "$bad" -gt 0 ]; then
            while IFS= read -r line; do record fail "$name" "$line"; done < <(grep '^not ok ' <<<"$out")
        fi
        if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
            record fail "$name" "exit status $rc: $(tail -5 <<<"$out" | tr '\n' ' ')"
        elif [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
            record fail "$name" "ran no test"
        fi
        echo "  unit  $name: $ok ok, $bad failed"
    done
}

run_lines() { # run_lines LABEL COMMAND...: count the PASS/FAIL lines a check prints
    local label=$1 before=$pass
    shift
    while IFS= read -r line; do
        case "$line" in
        PASS\ *) record pass "${line#PASS }" ;;
        FAIL\ *) record fail "$label/${line#FAIL }" ; echo "  $line" ;;
        *) echo "  $line" ;;
        esac
    done < <("$@" 2>&1)
    [ "$pass" -gt "$before" ] || record fail "$label" "$* ran no test"
}

echo "Unit tests (release build)"
run_unit "$release" release
echo "Unit tests (ASan+UBSan build)"
run_unit "$san" san
echo "Fuzz corpora and saved crashing inputs (release, then ASan+UBSan)"
for f in "$release"/tests/fuzz_* "$san"/tests/fuzz_*; do
    name=${f##*/fuzz_}
    dirs=(tests/fuzz/corpus/"$name")
    [ -d tests/fuzz/regress/"$name" ] && dirs+=(tests/fuzz/regress/"$name")
    run_lines "${f%/tests/*}" "$f" "${dirs[@]}"
done
echo "Catalog load and search per keystroke, against their budgets (release, CPU time)"
run_lines search "$release"/search-bench --check
echo "Translations"
run_lines i18n tests/check-i18n.sh
echo "The habits: format, cppcheck, shellcheck, gcc -fanalyzer, names"
run_lines habits tests/check-habits.sh "$release"
echo "Command line and start-up checks (release, then ASan+UBSan)"
run_lines release tests/check-cli.sh "$release"
run_lines san tests/check-cli.sh "$san" /nonexistent
echo "Service manager and lockdown (release, then ASan+UBSan)"
run_lines release python3 tests/check-service.py "$release"
run_lines san python3 tests/check-service.py "$san"
echo "The centre's queue: API, MQTT, kill -9, broker restart; the counter page in Chromium"
run_lines queue python3 tests/check-queue.py "$release"
run_lines queue-san python3 tests/check-queue.py "$san"
run_lines queue-web python3 tests/check-queue-web.py "$release"
echo "A centre end to end: broker, register, two kiosks, the board, faults; make demo-centre"
run_lines centre python3 tests/check-centre.py "$release"
echo "The register: Mosquitto, PostgreSQL, TLS, pushes, the status page in Chromium"
run_lines register tests/check-register.sh "$release"
run_lines register-san env REGISTER_CHECKS="sqlite pg" tests/check-register.sh "$san"
echo "Printer faults end to end: what may be called printed"
run_lines print python3 tests/check-print.py "$release"
echo "Crash safety: kill -9 across replayed flows"
run_lines crash python3 tests/crash-test.py "$release/kiosk"
echo "Sync: a terminal, a real Mosquitto and their faults"
run_lines sync python3 tests/check-sync.py "$release"
echo "Power loss, I/O errors, a full disk and damaged files under the journal"
run_lines fault python3 tests/fault-test.py "$release/kiosk" "$release/tests/faultvfs.so"
echo "Packages, units, flashing and provisioning"
run_lines board tests/check-board.sh "$release" "$arm64"
run_lines units tests/check-units.sh "$release"
run_lines hardening tests/check-hardening.sh "$release" "$arm64"
echo "Random input (monkey)"
run_lines monkey tests/check-monkey.sh "$release" "$san"
echo "Speech mode: what every screen said, the WAV files, nothing said kept anywhere else"
run_lines speech python3 tests/check-speech.py "$release"
echo "End-to-end replays (release build)"
run_lines release tests/run-e2e.sh "$release" "$release"
echo "End-to-end replays (ASan+UBSan build)"
run_lines san tests/run-e2e.sh "$san" "$release"

if [ -n "$arm64" ]; then
    echo "The arm64 build under qemu-aarch64"
    out=$(tests/run-arm64.sh "$arm64" "$release" 2>&1)
    summary=$(tail -1 <<<"$out")
    if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        pass=$((pass + BASH_REMATCH[1]))
        [ "${BASH_REMATCH[2]}" -eq 0 ] ||
            record fail "arm64" "$(sed -n '/^Failures:/,$p' <<<"$out" | tr '\n' ' ')"
        echo "  $summary"
    else
        record fail "arm64" "$(tail -3 <<<"$out" | tr '\n' ' ')"
    fi
fi

if [ "$fail" -gt 0 ]; then
    echo
    echo "Failures:"
    printf '  %s\n' "${failures[@]}"
fi
echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

#!/usr/bin/env bash
# End-to-end: run every tests/e2e/*.replay through the real kiosk, headless, at each size
# the script names, and compare every screenshot with tests/golden/<script>-<size>/.
# Scripts with "# speech: on" also write what they said (--audio-out) and compare speech.log
# with the golden one. Prints "PASS name" / "FAIL name: reason" lines. UPDATE_GOLDEN=1
# re-creates the goldens.
# Usage: tests/run-e2e.sh KIOSK_BUILD_DIR TOOLS_BUILD_DIR
set -u
cd "$(dirname "$0")/.." || exit 1
kiosk="$1/kiosk"
# KIOSK_WRAPPER runs another architecture's kiosk (qemu-aarch64-static for build-arm64).
wrap=${KIOSK_WRAPPER:-}
diff="$2/png-diff"
render_tool="$2/receipt-render"
verify_tool="$2/verify-receipt"
# A fixed signing key, so that signed QR codes (and the screenshots showing them) are the
# same on every run; the kiosk makes a random one per data folder otherwise.
key_args="--signing-key tests/data/signing-test.key"
label=$(basename "$1")
outroot="tests/out/$label"
rm -rf "$outroot"
mkdir -p "$outroot"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

header() { # header FILE KEY: the value of a "# KEY: value" line
    sed -n "s/^# $2: //p" "$1" | head -1
}

compare_shots() { # compare_shots NAME OUTDIR
    local golden="tests/golden/$1" shot g
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        rm -rf "$golden"
        mkdir -p "$golden"
        cp "$2"/*.png "$golden"/ 2>/dev/null
        [ ! -f "$2/audio/speech.log" ] || cp "$2/audio/speech.log" "$golden/"
        echo "updated $golden"
        return
    fi
    # "# speech: on": what was said must be what the golden speech.log says, line by line.
    if [ -f "$golden/speech.log" ] || [ -f "$2/audio/speech.log" ]; then
        if cmp -s "$golden/speech.log" "$2/audio/speech.log"; then
            echo "PASS $1/speech.log: $(wc -l <"$2/audio/speech.log") utterances as in the golden"
        else
            echo "FAIL $1/speech.log: differs from $golden/speech.log: $(diff "$golden/speech.log" \
                "$2/audio/speech.log" 2>&1 | grep '^[<>]' | head -2 | tr '\n\t' '  ')"
        fi
    fi
    for shot in "$2"/*.png; do
        [ -e "$shot" ] || continue
        g="$golden/$(basename "$shot")"
        if [ ! -f "$g" ]; then
            echo "FAIL $1/$(basename "$shot"): no golden image $g (make golden)"
        elif "$diff" "$g" "$shot" --diff "${shot%.png}.diff.png" 2>"$tmp/diff.txt"; then
            echo "PASS $1/$(basename "$shot")"
        else
            echo "FAIL $1/$(basename "$shot"): $(cat "$tmp/diff.txt")"
        fi
    done
    for g in "$golden"/*.png; do
        [ -e "$g" ] || continue
        [ -f "$2/$(basename "$g")" ] || echo "FAIL $1/$(basename "$g"): the script no longer makes this shot"
    done
}

# A QR payload must be the expected tracking id's, signed with the test key.
check_payload() { # check_payload LABEL GOT WANT_TRACKING
    local v
    if [ "${2%%\?*}" != "$3" ]; then
        echo "FAIL $1: the QR code decodes to \"$2\", expected tracking id $3"
    elif v=$("$verify_tool" "$2" --key tests/data/signing-test.pub 2>&1); then
        echo "PASS $1: the QR code is $3, signed: $v"
    else
        echo "FAIL $1: verify-receipt: $v"
    fi
}

check_qr() { # check_qr SCRIPT NAME OUTDIR: "# qr: SHOT TRACKING" lines, decoded with zbar
    local shot want
    while read -r shot want; do
        [ -n "$shot" ] || continue
        check_payload "$2/$shot" "$(zbarimg -q --raw "$3/$shot.png" 2>/dev/null)" "$want"
    done < <(sed -n 's/^# qr: //p' "$1")
}

# "# printer: file" prints to a file; "# printer: tcp MODE" to tests/fake-printer.py in MODE.
# Sets printer_args, and fake_pid when a fake printer runs.
start_printer() { # start_printer SCRIPT OUTDIR
    local kind mode
    read -r kind mode < <(header "$1" printer)
    printer_args=""
    fake_pid=""
    case "$kind" in
    file) printer_args="--printer file:$2/receipt.bin" ;;
    tcp)
        rm -f "$2/port"
        python3 tests/fake-printer.py --mode "$mode" --port-file "$2/port" \
            --out "$2/receipt.bin" &
        fake_pid=$!
        for _ in $(seq 100); do [ -s "$2/port" ] && break; sleep 0.05; done
        printer_args="--printer tcp:127.0.0.1:$(cat "$2/port" 2>/dev/null)"
        ;;
    esac
}

# "# receipt-qr: PAYLOAD": render what reached the printer and read its QR code with zbar.
check_receipt() { # check_receipt SCRIPT NAME OUTDIR
    local want got shot
    want=$(header "$1" receipt-qr)
    [ -n "$want" ] || return 0
    # Rendered beside the shots but not as a .png: only a "# receipt-shot" is a shot.
    if ! "$render_tool" "$3/receipt.bin" "$3/receipt.render" >"$3/render.txt" 2>&1; then
        echo "FAIL $2/receipt: receipt-render: $(cat "$3/render.txt")"
        return
    fi
    got=$(zbarimg -q --raw "PNG:$3/receipt.render" 2>/dev/null | head -1)
    check_payload "$2/receipt" "$got" "$want"
    # "# receipt-shot: NAME": the rendered receipt is compared with its golden like a shot.
    shot=$(header "$1" receipt-shot)
    [ -z "$shot" ] || cp "$3/receipt.render" "$3/$shot.png"
}

run_script() { # run_script SCRIPT SIZE -> runs, then compares
    local script=$1 size=$2 name out args data
    name="$(basename "$script" .replay)-$size"
    out="$outroot/$name"
    data="$tmp/data-$name"
    args=$(header "$script" args)
    mkdir -p "$out"
    # "# speech: on": every utterance as a WAV and a speech.log line in OUT/audio.
    [ -z "$(header "$script" speech)" ] || args="$args --audio-out $out/audio"
    start_printer "$script" "$out"
    # "# pin: DIGITS" sets the technician PIN first; "# export-dir" gives the technician's
    # journal export a folder (instead of a USB stick) through a configuration file.
    pin=$(header "$script" pin)
    [ -z "$pin" ] || echo "$pin" | $wrap "$kiosk" --set-pin --data "$data" >/dev/null 2>&1
    if grep -q '^# export-dir' "$script"; then
        mkdir -p "$out/usb"
        printf '[technician]\nexport_dir = %s\nshutdown_command = true\n' "$out/usb" \
            >"$out/kiosk.ini"
        args="$args --config $out/kiosk.ini"
    fi
    # shellcheck disable=SC2086
    if $wrap "$kiosk" --headless --size "$size" --data "$data" $key_args $args $printer_args \
        --replay "$script" \
        --shots "$out" >"$out/log.txt" 2>&1; then
        echo "PASS $name: replay"
        check_receipt "$script" "$name" "$out"
        compare_shots "$name" "$out"
        check_qr "$script" "$name" "$out"
    else
        echo "FAIL $name: $(tail -3 "$out/log.txt" | tr '\n' ' ')"
    fi
    [ -z "$fake_pid" ] || { kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; }
}

for script in tests/e2e/*.replay; do
    sizes=$(header "$script" sizes)
    for size in ${sizes:-800x480}; do
        run_script "$script" "$size"
    done
done

# Scripts that must fail, with the message their "# error:" line names.
for script in tests/e2e/fail/*.replay; do
    [ -e "$script" ] || continue
    name="fail/$(basename "$script" .replay)"
    want=$(header "$script" error)
    if $wrap "$kiosk" --headless --size 800x480 --data "$tmp/fail-data" --replay "$script" \
        --shots "$tmp" >"$tmp/out.txt" 2>&1; then
        echo "FAIL $name: exited 0, expected an error"
    elif grep -qF -- "$want" "$tmp/out.txt"; then
        echo "PASS $name"
    else
        echo "FAIL $name: expected \"$want\", got: $(head -3 "$tmp/out.txt" | tr '\n' ' ')"
    fi
done

# The same script twice must give byte-identical screenshots.
if [ "${UPDATE_GOLDEN:-0}" != 1 ]; then
    for run in 1 2; do
        $wrap "$kiosk" --headless --size 800x480 --data "$tmp/det-$run" $key_args \
            --replay tests/e2e/flow_bn.replay --shots "$tmp/det-$run" >/dev/null 2>&1
    done
    if [ -n "$(ls "$tmp/det-1"/*.png 2>/dev/null)" ] && diff -r "$tmp/det-1" "$tmp/det-2" \
        --exclude='journal.sqlite*' --exclude=journal.state >/dev/null; then
        echo "PASS determinism: two runs give identical PNGs"
    else
        echo "FAIL determinism: two runs of flow_bn.replay differ"
    fi
fi

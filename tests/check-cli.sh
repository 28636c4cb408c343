#!/usr/bin/env bash
# The kiosk's command line and start-up checks: help, version, catalog checks, service list,
# configuration and translation errors, a data folder that cannot be used, and the refusal
# to run on an SDL2_ttf without HarfBuzz. Prints PASS/FAIL lines.
# Usage: tests/check-cli.sh BUILD_DIR [RELEASE_BUILD_DIR for the preload shim]
set -u
cd "$(dirname "$0")/.." || exit 1
kiosk="$1/kiosk"
shim="${2:-$1}/tests/no-harfbuzz.so"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # check NAME WANT_STATUS WANT_TEXT -- COMMAND...
    local name=$1 want=$2 text=$3
    shift 4
    "$@" >"$tmp/out" 2>&1
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL cli/$name: exit status $rc, expected $want: $(head -3 "$tmp/out" | tr '\n' ' ')"
    elif [ -n "$text" ] && ! grep -qF -- "$text" "$tmp/out"; then
        echo "FAIL cli/$name: expected \"$text\" in: $(head -3 "$tmp/out" | tr '\n' ' ')"
    else
        echo "PASS cli/$name"
    fi
}

check version 0 "sheba-kiosk " -- "$kiosk" --version
check help 0 "--replay SCRIPT" -- "$kiosk" --help
check unknown-option 2 "Usage: kiosk" -- "$kiosk" --frobnicate
check stray-argument 2 "unexpected argument" -- "$kiosk" extra
check bad-size 2 "--size 10x10" -- "$kiosk" --headless --size 10x10
check check-catalog 0 "OK, 14 categories, 118 services" -- "$kiosk" --check-catalog assets/catalog.json
check check-bad-catalog 1 "official_fee_string.json: services[0].official_fee: must be a whole number of Taka" -- \
    "$kiosk" --check-catalog tests/data/catalog/bad/official_fee_string.json
check check-nul-catalog 1 "nul_raw_in_name.json: services[1].name.bn: the text contains a NUL character" -- \
    "$kiosk" --check-catalog tests/data/catalog/bad/nul_raw_in_name.json
check missing-catalog 1 "nothing.json: cannot open" -- "$kiosk" --check-catalog "$tmp/nothing.json"

"$kiosk" --list-services >"$tmp/list" 2>&1
lines=$(wc -l <"$tmp/list")
cols=$(awk -F'\t' '{print NF}' "$tmp/list" | sort -u | tr '\n' ' ')
want=$'nid_correction\tnid\tname:text,nid:nid,dob:date,correction:choice(name|dob|parents|address|other),mobile:mobile\tজাতীয় পরিচয়পত্র সংশোধন\tNID correction'
if [ "$lines" -eq 118 ] && [ "$cols" = "5 " ] && grep -qxF -- "$want" "$tmp/list"; then
    echo "PASS cli/list-services"
else
    echo "FAIL cli/list-services: $lines lines, columns \"$cols\", nid_correction line: $(grep '^nid_correction' "$tmp/list")"
fi

printf '[display]\ndpi = 132\nrotation = 45\n' >"$tmp/bad.ini"
check bad-config 1 "bad.ini:3: [display] rotation" -- "$kiosk" --config "$tmp/bad.ini" --headless
check missing-config 1 "none.ini: cannot open" -- "$kiosk" --config "$tmp/none.ini" --headless
check bad-flag-value 2 "--rotation" -- "$kiosk" --rotation 45 --headless
# Numbers on the command line are whole numbers in range, or the program stops (status 2).
check flag-rotation-text 2 '--rotation: "abc"' -- "$kiosk" --rotation abc --headless
check flag-idle-unit 2 '--idle-timeout: "10s" is not a whole number' -- \
    "$kiosk" --idle-timeout 10s --headless
check flag-idle-negative 2 '--idle-timeout: "-5"' -- "$kiosk" --idle-timeout -5 --headless
check flag-dpi-trailing 2 '--dpi: "96x"' -- "$kiosk" --dpi 96x --headless
check flag-exit-after-text 2 '--exit-after: "soon" is not a number of milliseconds' -- \
    "$kiosk" --exit-after soon --headless
check flag-monkey-zero 2 '--monkey: "0" is not a number of events' -- "$kiosk" --monkey 0 --headless
check flag-seed-hex 2 '--seed: "0x10" is not a seed' -- "$kiosk" --monkey 5 --seed 0x10 --headless
check flag-lang 2 '--lang: ' -- "$kiosk" --lang fr --headless

touch "$tmp/not-a-folder"
check data-is-a-file 1 "not-a-folder" -- "$kiosk" --headless --data "$tmp/not-a-folder/x"

# A translation missing in one language stops the kiosk, naming the file.
mkdir -p "$tmp/root/assets"
cp -r assets/i18n "$tmp/root/assets/"
cp assets/catalog.json "$tmp/root/assets/"
ln -s "$PWD/fonts" "$tmp/root/fonts"
sed -i 's/^msgid "nav.back"$/msgid "nav.bakc"/' "$tmp/root/assets/i18n/en.po"
check missing-translation 1 "en.po: \"nav.back\" is missing (it is in" -- \
    "$kiosk" --assets "$tmp/root" --headless --data "$tmp/d1"

if [ -f "$shim" ]; then
    check no-harfbuzz 1 "built without HarfBuzz" -- env LD_PRELOAD="$shim" "$kiosk" --headless \
        --data "$tmp/d2"
fi

# Display rotation: the real window path (SDL's dummy driver saves each frame as a BMP)
# on an 800x480 panel turned 90 and 270 degrees must show the 480x800 portrait UI turned.
diff_tool="${2:-$1}/png-diff"
[ -x "$diff_tool" ] || diff_tool="$(dirname "$0")/../build/png-diff"
printf 'shot upright\n' >"$tmp/upright.replay"
"$kiosk" --headless --size 480x800 --data "$tmp/rot-data" --replay "$tmp/upright.replay" \
    --shots "$tmp" >/dev/null 2>&1
for deg in 90 270; do
    mkdir -p "$tmp/frames-$deg"
    (cd "$tmp/frames-$deg" && SDL_VIDEODRIVER=dummy SDL_VIDEO_DUMMY_SAVE_FRAMES=1 \
        "$OLDPWD/$kiosk" --assets "$OLDPWD" --windowed --size 800x480 --rotation $deg \
        --data "$tmp/rot-data" --exit-after 200 >/dev/null 2>&1)
    frame=$(ls "$tmp/frames-$deg"/*.bmp 2>/dev/null | tail -1)
    if [ -z "$frame" ]; then
        echo "FAIL cli/rotation-$deg: no frame was saved"
    elif "$diff_tool" "$tmp/upright.png" "$frame" --rotate $deg >"$tmp/rot.txt" 2>&1; then
        echo "PASS cli/rotation-$deg"
    else
        echo "FAIL cli/rotation-$deg: $(cat "$tmp/rot.txt")"
    fi
done

# Signed receipts: the genuine payload passes, a changed character fails, a folder of keys
# finds the right one, garbage is not a receipt.
tools="${2:-$1}"
[ -x "$tools/verify-receipt" ] || tools="$(dirname "$0")/../build"
printf 'press lang:bn\npress cat:agriculture\npress svc:farm_advice\npress next\ntype রহিম\npress next\npress opt:rice\npress next\npress opt:pest\npress next\ntype ০১৭১২৩৪৫৬৭৮\npress next\npress confirm\nshot done\n' >"$tmp/sign.replay"
"$kiosk" --headless --data "$tmp/sign-data" --replay "$tmp/sign.replay" --shots "$tmp" \
    >/dev/null 2>&1
payload=$(zbarimg -q --raw "$tmp/done.png" 2>/dev/null)
check verify-genuine 0 "genuine: tracking UDC-0001-T01-" -- \
    "$tools/verify-receipt" "$payload" --key "$tmp/sign-data/signing.pub"
check verify-changed-token 1 "NOT GENUINE" -- \
    "$tools/verify-receipt" "${payload/t=H-001/t=H-002}" --key "$tmp/sign-data/signing.pub"
# One character of the signature changed, always to a different one (the last character
# carries only two bits, so it is left alone: replacing it blindly was a no-op 1 time in 4).
sig_char=${payload: -10:1}
[ "$sig_char" = A ] && new_char=B || new_char=A
check verify-changed-signature 1 "NOT GENUINE" -- \
    "$tools/verify-receipt" "${payload:0:${#payload}-10}$new_char${payload: -9}" \
    --key "$tmp/sign-data/signing.pub"
# The centre's folder of keys, named <centre>-<terminal>.pub: only the named terminal's key is
# read; the other files (even a FIFO, which would block a plain open) are never opened.
mkdir -p "$tmp/keys"
cp tests/data/signing-test.pub "$tmp/keys/UDC-0001-T02.pub"
cp "$tmp/sign-data/signing.pub" "$tmp/keys/UDC-0001-T01.pub"
mkfifo "$tmp/keys/UDC-0001-T03.pub" "$tmp/keys/zz.pub"
check verify-key-folder 0 "keys/UDC-0001-T01.pub" -- \
    timeout 10 "$tools/verify-receipt" "$payload" --key "$tmp/keys"
# Issue 9: the receipt's date and age are printed (Asia/Dhaka days; the harness's date is
# 2026-11-29).
check verify-date-and-age 0 "issued 2026-11-29 (Asia/Dhaka) by terminal UDC-0001-T01, 3 days ago" \
    -- "$tools/verify-receipt" "$payload" --key "$tmp/keys" --now 2026-12-02
check verify-date-today 0 "today" -- \
    "$tools/verify-receipt" "$payload" --key "$tmp/keys" --now 2026-11-29
check verify-date-future 0 "in the future: check the terminal's clock" -- \
    "$tools/verify-receipt" "$payload" --key "$tmp/keys" --now 2026-11-01
check verify-bad-now 2 "--now 2026-13-01" -- \
    "$tools/verify-receipt" "$payload" --key "$tmp/keys" --now 2026-13-01
# Issue 9: a T02 tracking id signed with T01's key passed against a folder of keys.
printf '[terminal]\nid = T02\n' >"$tmp/t02.ini"
mkdir -p "$tmp/t02" "$tmp/url"
"$kiosk" --headless --config "$tmp/t02.ini" --data "$tmp/t02-data" \
    --signing-key "$tmp/sign-data/signing.key" --replay "$tmp/sign.replay" --shots "$tmp/t02" \
    >/dev/null 2>&1
payload_t02=$(zbarimg -q --raw "$tmp/t02/done.png" 2>/dev/null)
check verify-other-terminals-key 1 "NOT GENUINE" -- \
    "$tools/verify-receipt" "$payload_t02" --key "$tmp/keys"
check verify-key-file-names-its-terminal 1 "the receipt names UDC-0001-T02" -- \
    "$tools/verify-receipt" "$payload_t02" --key "$tmp/keys/UDC-0001-T01.pub"
check verify-unknown-terminal 1 "no key of terminal UDC-0001-T01" -- \
    "$tools/verify-receipt" "$payload" --key "$tmp/sign-data"
# Issue 11: a FIFO where the terminal's key should be is refused at once.
check verify-fifo-key 1 "not a regular file" -- timeout 10 "$tools/verify-receipt" \
    "${payload/T01-/T03-}" --key "$tmp/keys"
check verify-fifo-key-file 2 "not a regular file" -- timeout 10 "$tools/verify-receipt" \
    "$payload" --key "$tmp/keys/zz.pub"
# Issue 9: the URL is signed too; a parameter twice or an unknown one is not a receipt.
printf '[kiosk]\nreceipt_url = https://sheba.example.gov.bd/r\n' >"$tmp/url.ini"
"$kiosk" --headless --config "$tmp/url.ini" --data "$tmp/url-data" \
    --signing-key "$tmp/sign-data/signing.key" --replay "$tmp/sign.replay" --shots "$tmp/url" \
    >/dev/null 2>&1
payload_url=$(zbarimg -q --raw "$tmp/url/done.png" 2>/dev/null)
check verify-url 0 "genuine: tracking UDC-0001-T01-" -- \
    "$tools/verify-receipt" "$payload_url" --key "$tmp/keys"
check verify-url-printed 0 "link https://sheba.example.gov.bd/r/UDC-0001-T01-" -- \
    "$tools/verify-receipt" "$payload_url" --key "$tmp/keys"
check verify-host-changed 1 "NOT GENUINE" -- "$tools/verify-receipt" \
    "${payload_url/sheba.example.gov.bd/sheba.example.gov.bd.evil.example}" --key "$tmp/keys"
check verify-scheme-changed 1 "NOT GENUINE" -- "$tools/verify-receipt" \
    "${payload_url/https:/http:}" --key "$tmp/keys"
check verify-duplicate-token 2 "not a Sheba Kiosk receipt" -- \
    "$tools/verify-receipt" "$payload&t=A-999&s=land_tax" --key "$tmp/keys"
check verify-unknown-parameter 2 "unknown" -- \
    "$tools/verify-receipt" "$(sed 's/&sig=/\&x=1\&sig=/' <<<"$payload")" --key "$tmp/keys"
printf '[kiosk]\nreceipt_url = https://sheba.example.gov.bd/r?lang=bn\n' >"$tmp/query.ini"
check receipt-url-with-query 1 "query.ini:2: [kiosk] receipt_url:" -- \
    "$kiosk" --config "$tmp/query.ini" --headless --data "$tmp/q-data"
check verify-wrong-key 1 "NOT GENUINE" -- \
    "$tools/verify-receipt" "$payload" --key tests/data/signing-test.pub
check verify-garbage 2 "not a Sheba Kiosk receipt" -- \
    "$tools/verify-receipt" "hello world" --key tests/data/signing-test.pub
# Issue 9: a technician PIN has at least 6 digits.
check set-pin-short 1 "a PIN is 6 to 12 digits" -- \
    sh -c "echo 2468 | '$kiosk' --set-pin --data '$tmp/pin-data'"
check set-pin 0 "technician PIN set" -- sh -c "echo 246810 | '$kiosk' --set-pin --data '$tmp/pin-data'"
key_mode=$(stat -c %a "$tmp/sign-data/signing.key")
[ "$key_mode" = 600 ] && echo "PASS cli/signing-key-private" ||
    echo "FAIL cli/signing-key-private: signing.key has mode $key_mode"

# Issue 9: what a real start leaves in a new data folder is the kiosk user's alone, whatever
# umask it was started with (the unit test sets the umask itself; this checks main's own
# call). Looked at while it runs, so the WAL and its index are there too.
priv="$tmp/private-data"
(
    umask 022
    exec env SDL_VIDEODRIVER=dummy "$kiosk" --windowed --data "$priv" --exit-after 20000
) >"$tmp/private.out" 2>&1 &
ppid_=$!
for _ in $(seq 200); do
    [ -e "$priv/journal.sqlite-wal" ] && [ -e "$priv/journal.sqlite-shm" ] &&
        [ -e "$priv/signing.key" ] && [ -e "$priv/signing.pub" ] && break
    sleep 0.05
done
made=$(find "$priv" -mindepth 1 | wc -l)
loose=$(find "$priv" -perm /077 -printf '%m %P; ')
kill -9 "$ppid_" 2>/dev/null
wait "$ppid_" 2>/dev/null
if [ "$made" -ge 6 ] && [ -z "$loose" ]; then
    echo "PASS cli/data-folder-private ($made files, under umask 022)"
else
    echo "FAIL cli/data-folder-private: $made files; open to others: ${loose:-none}; $(tail -2 "$tmp/private.out" | tr '\n' ' ')"
fi

# The journal from the command line: export, import into a new folder, the same export.
check export 0 '"token":"H-001"' -- "$kiosk" --export-journal --data "$tmp/sign-data"
"$kiosk" --export-journal --data "$tmp/sign-data" >"$tmp/export.jsonl" 2>/dev/null
check import 0 "1 requests added, 0 already" -- \
    "$kiosk" --import-journal "$tmp/export.jsonl" --data "$tmp/imported"
check import-again 0 "0 requests added, 1 already" -- \
    "$kiosk" --import-journal "$tmp/export.jsonl" --data "$tmp/imported"
"$kiosk" --export-journal --data "$tmp/imported" >"$tmp/export2.jsonl" 2>/dev/null
cmp -s "$tmp/export.jsonl" "$tmp/export2.jsonl" && echo "PASS cli/export-import-round-trip" ||
    echo "FAIL cli/export-import-round-trip: the re-export differs"
printf '{"tracking":"X-1","token":"A-001"}\n' >"$tmp/bad.jsonl"
check import-bad 1 "bad.jsonl:1: service" -- \
    "$kiosk" --import-journal "$tmp/bad.jsonl" --data "$tmp/imported"
check export-since 0 "" -- "$kiosk" --export-journal --since 2099-01-01 --data "$tmp/sign-data"
check export-bad-since 2 "expected YYYY-MM-DD" -- \
    "$kiosk" --export-journal --since 29-11-2026 --data "$tmp/sign-data"

# A damaged journal is moved aside and the kiosk refuses to start over it until told.
mkdir -p "$tmp/damaged"
head -c 4096 /dev/urandom >"$tmp/damaged/journal.sqlite"
check damaged-journal 1 "was moved to" -- "$kiosk" --headless --data "$tmp/damaged"
check damaged-stays-refused 1 "kiosk --new-journal" -- "$kiosk" --headless --data "$tmp/damaged"
ls "$tmp/damaged"/journal.sqlite.damaged-* >/dev/null 2>&1 && echo "PASS cli/damaged-kept" ||
    echo "FAIL cli/damaged-kept: the damaged file is gone"
check new-journal 0 "" -- "$kiosk" --new-journal --export-journal --data "$tmp/damaged"
check after-new-journal 0 "" -- "$kiosk" --headless --data "$tmp/damaged"

# printer-probe on an emulated clone printer (umockdev): it finds it by its class and reads
# the endpoints from the descriptors (OUT 0x03 here, not the 0x01 many tools assume).
if command -v umockdev-run >/dev/null; then
    check probe-finds-clone 0 "bulk out 0x03, bulk in 0x81" -- umockdev-run -d \
        tests/data/usb/pos58-clone.umockdev -- "$tools/printer-probe"
    check probe-unidirectional 0 "protocol 1 (unidirectional)" -- umockdev-run -d \
        tests/data/usb/pos58-unidirectional.umockdev -- "$tools/printer-probe"
    check probe-not-a-printer 1 "no USB printer found" -- umockdev-run -d \
        tests/data/usb/hub-and-serial.umockdev -- "$tools/printer-probe"
else
    echo "FAIL cli/printer-probe: umockdev-run is not installed"
fi

#!/usr/bin/env bash
# The register (build/register) against a real Mosquitto and a real PostgreSQL, both started
# here on 127.0.0.1 / a Unix socket in a temporary folder, and the status page in headless
# Chromium. Every scenario runs on both stores (sqlite: and postgresql://). Prints PASS/FAIL
# lines (and INFO lines with the measured rates).
# Usage: tests/check-register.sh BUILD_DIR [--shots]   (--shots: write docs/images/register-*.png)
# REGISTER_CHECKS="sqlite pg tls rate" (the default) chooses the phases.
# As root, PostgreSQL runs as the unprivileged user "nobody" (it refuses to run as root).
set -u
cd "$(dirname "$0")/.." || exit 1
build=$1
shots=${2:-}
reg="$build/register"
sim="$build/tests/register-sim"
[ -x "$sim" ] || sim=build/tests/register-sim # the ASan+UBSan build uses the release one
tmp=$(mktemp -d)
chmod 711 "$tmp" # PostgreSQL's user must be able to reach its own folder inside
declare -A rpid rport
pg_bin=""
mpid=""

cleanup() {
    for n in "${!rpid[@]}"; do kill -9 "${rpid[$n]}" 2>/dev/null; done
    [ -n "$mpid" ] && kill "$mpid" 2>/dev/null
    if [ -n "$pg_bin" ] && [ -f "$tmp/pg/data/postmaster.pid" ]; then
        as_pg "$pg_bin/pg_ctl" -D "$tmp/pg/data" -m immediate stop >/dev/null 2>&1
    fi
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

tag=register
ldd "$reg" 2>/dev/null | grep -q libasan && tag=register-san
pass() { echo "PASS $tag/$1"; }
fail() { echo "FAIL $tag/$1: $2"; }
info() { echo "INFO $tag: $*"; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
free_port() { # a port nothing listens on (python would take seconds to start on a busy machine),
    # below the kernel's ephemeral range (32768-60999): a port that a connection of this
    # busy script holds, or left in TIME_WAIT, cannot be bound by a server that asks for it
    local p
    while :; do
        p=$((20000 + RANDOM % 12000))
        (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}
# wait_until SECONDS COMMAND...: true once COMMAND succeeds, false after SECONDS.
wait_until() {
    local until=$((SECONDS + $1))
    shift
    while [ "$SECONDS" -le "$until" ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

for tool in mosquitto mosquitto_pub mosquitto_sub curl; do
    command -v "$tool" >/dev/null || { fail setup "$tool is not installed"; exit 0; }
done
[ -x "$reg" ] && [ -x "$sim" ] || { fail setup "build $reg and $sim first"; exit 0; }

# ---- Mosquitto: its own config, a free port, persistence, no queue limit ----
# A fresh broker for each phase: sessions left by one phase's registers stay out of the next.
start_broker() {
    [ -n "$mpid" ] && kill "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
    mport=$(free_port)
    local dir="$tmp/mq-$mport"
    mkdir -p "$dir"
    cat >"$dir/mosquitto.conf" <<EOF
listener $mport 127.0.0.1
allow_anonymous true
persistence true
persistence_location $dir/
max_queued_messages 0
user $(id -un)
log_dest file $dir/mosquitto.log
EOF
    mdir=$dir
    run_broker
}
run_broker() { # (again) the broker of start_broker, on the same port and persistence
    mosquitto -c "$mdir/mosquitto.conf" 2>>"$mdir/mosquitto.err" &
    mpid=$!
    broker="mqtt://127.0.0.1:$mport"
    wait_until 10 bash -c "echo >/dev/tcp/127.0.0.1/$mport" ||
        { fail setup "mosquitto did not start: $(cat "$mdir/mosquitto.err")"; exit 0; }
}
start_broker

# ---- PostgreSQL: a throwaway cluster on a Unix socket ----
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
mkdir -p "$tmp/pg/sock"
[ "$(id -u)" = 0 ] && chown -R nobody "$tmp/pg"
if [ -z "$pg_bin" ] ||
    ! as_pg "$pg_bin/initdb" -D "$tmp/pg/data" -A trust -U sheba --no-sync >"$tmp/pg/initdb.log" 2>&1 ||
    ! as_pg "$pg_bin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w -t 30 \
        -o "-k $tmp/pg/sock -c listen_addresses=''" start >/dev/null 2>&1; then
    fail setup "PostgreSQL did not start: $(tail -3 "$tmp/pg/initdb.log" "$tmp/pg/log" 2>/dev/null | tr '\n' ' ')"
    exit 0
fi
pg_db() { # a fresh database: its URL
    "$pg_bin/createdb" -h "$tmp/pg/sock" -U sheba "$1" && echo "postgresql:///$1?host=$tmp/pg/sock&user=sheba"
}

# ---- terminals: keys made by the kiosk's own code ----
mkdir -p "$tmp/keys" "$tmp/regkeys"
mkdir -p "$tmp/term/UDC-0001-T01" "$tmp/term/UDC-0001-T02" "$tmp/term/UDC-0001-T03" "$tmp/term/UDC-0009-T01"
for t in T01 T02 T03; do
    "$sim" keygen "$tmp/term/UDC-0001-$t"
    cp "$tmp/term/UDC-0001-$t/signing.pub" "$tmp/keys/UDC-0001-$t.pub"
done
"$sim" keygen "$tmp/term/UDC-0009-T01" # a terminal the register does not know
"$reg" --keygen "$tmp/regkeys" >/dev/null
key1="$tmp/term/UDC-0001-T01/signing.key"
key2="$tmp/term/UDC-0001-T02/signing.key"
base="http://127.0.0.1:0/r" # replaced per register below

# ---- helpers ----
start_reg() { # start_reg NAME STORE CLIENT_ID [options...]
    local name=$1 store=$2 id=$3
    shift 3
    rport[$name]=${rport[$name]:-$(free_port)}
    # Inside a subshell that waits for it: a register killed with SIGKILL is then not
    # reported as "Killed" on this script's output.
    rm -f "$tmp/$name.pid"
    local before
    before=$(grep -c "connected to" "$tmp/$name.log" 2>/dev/null)
    (
        "$reg" --broker "$broker" --store "$store" --keys "$tmp/keys" --client-id "$id" \
            --sign-key "$tmp/regkeys/register.sign.key" \
            --http "127.0.0.1:${rport[$name]}" --receipt-url "http://127.0.0.1:${rport[$name]}/r" \
            --catalog assets/catalog.json "$@" >>"$tmp/$name.log" 2>&1 &
        echo $! >"$tmp/$name.pid"
        wait
    ) 2>/dev/null &
    wait_until 5 test -s "$tmp/$name.pid"
    rpid[$name]=$(cat "$tmp/$name.pid")
    wait_until "${connect_wait:-30}" connected_more "$tmp/$name.log" "${before:-0}"
}
stop_reg() { kill "${rpid[$1]}" 2>/dev/null && wait_until 20 dead "${rpid[$1]}"; unset "rpid[$1]"; }
kill_reg() { kill -9 "${rpid[$1]}" 2>/dev/null && wait_until 10 dead "${rpid[$1]}"; unset "rpid[$1]"; }
count() { "$reg" --store "$1" --stats 2>/dev/null | awk -v k="$2" '$1 == k {print $2}'; }
has_count() { [ "$(count "$1" "$2")" = "$3" ]; }
health() { # health NAME KEY: a counter from /healthz (each key is unique in it)
    curl -s "http://127.0.0.1:${rport[$1]}/healthz" | grep -o "\"$2\":[0-9]*" | cut -d: -f2
}
# pub TOPIC_TERMINAL KEY PAYLOAD: publish signed with KEY on sheba/UDC-0001/TERMINAL/event
pub() {
    local sig
    sig=$(printf '%s' "$3" | "$sim" sign "$2")
    mosquitto_pub -V mqttv5 -h 127.0.0.1 -p "$mport" -q 1 -t "sheba/UDC-0001/$1/event" \
        -m "$3" -D publish user-property sig "$sig"
}
event() { "$sim" event "$key1" UDC-0001 T01 "$@" --base "$base"; }
status_of() { # status_of STORE TRACKING_NUMBER
    "$reg" --store "$1" --export 2>/dev/null | grep "\"tracking\":\"[^\"]*-$(printf %04d "$2")\"" |
        grep -o '"status":"[^"]*"' | cut -d'"' -f4
}
connected_more() { [ "$(grep -c "connected to" "$1")" -gt "$2" ]; }
health_is() { [ "$(health "$1" "$2")" = "$3" ]; }
at_least() { [ "$(count "$1" requests)" -ge "$2" ]; }
dead() { ! kill -0 "$1" 2>/dev/null; }
status_is() { [ "$(status_of "$1" "$2")" = "$3" ]; }
control_has() { sub_retained "sheba/UDC-0001/$1/control" | grep -qF "$2"; }
control_empty() { [ -z "$(sub_retained "sheba/UDC-0001/$1/control")" ]; }
presence_online() { sub_retained "sheba/registers/$1" | grep -q '"online": *true'; }
sub_retained() { # the retained message on a topic, or nothing
    mosquitto_sub -V mqttv5 -h 127.0.0.1 -p "$mport" -t "$1" -C 1 -W 1 2>/dev/null
}
status_msg() { # status_msg TERMINAL BAND: a kiosk's retained presence
    mosquitto_pub -V mqttv5 -h 127.0.0.1 -p "$mport" -q 1 -r -t "sheba/UDC-0001/$1/status" \
        -m "{\"v\": 1, \"online\": true, \"role\": \"kiosk\", \"version\": \"0.2.0\", \"token_band\": \"$2\", \"backlog\": 0}"
}

# ---- the command line: every mistake gets exit status 2 (or 1) and says what is wrong ----
cli() { # cli NAME WANT_STATUS WANT_TEXT ARGS...
    local name=$1 want=$2 text=$3 out rc
    shift 3
    out=$(timeout 20 "$reg" "$@" 2>&1)
    rc=$?
    if [ "$rc" = "$want" ] && grep -qF -- "$text" <<<"$out"; then
        pass "cli/$name"
    else
        fail "cli/$name" "exit $rc (wanted $want): $(head -2 <<<"$out" | tr '\n' ' ')"
    fi
}
if [[ " ${REGISTER_CHECKS:-sqlite pg tls rate} " == *" sqlite "* ]]; then
    cli help 0 "--receipt-url BASE" --help
    cli version 0 "sheba-register " --version
    cli unknown-option 2 "unknown option" --frobnicate
    cli stray-argument 2 "unexpected argument" --store "sqlite:$tmp/x.sqlite" --export extra
    cli nothing-to-do 2 "nothing to do" --store "sqlite:$tmp/x.sqlite"
    cli no-store 2 "--store sqlite:PATH" --broker "$broker" --keys "$tmp/keys"
    cli no-keys 2 "--broker needs --keys" --broker "$broker" --store "sqlite:$tmp/x.sqlite"
    cli bad-store 1 "expected sqlite:PATH or postgresql://" --store mysql://x --stats
    cli bad-broker 2 "expected mqtt://HOST" --broker http://x --store "sqlite:$tmp/x.sqlite" --keys "$tmp/keys"
    cli bad-http 1 "expected ADDR:PORT, [V6ADDR]:PORT or :PORT" --http 127.0.0.1: --store "sqlite:$tmp/x.sqlite" --keys "$tmp/keys"
    cli bad-client-id 2 "--client-id a/b" --client-id a/b --broker "$broker" --store "sqlite:$tmp/x.sqlite" --keys "$tmp/keys"
    cli bad-prefix 2 "--topic-prefix" --topic-prefix "a/#" --store "sqlite:$tmp/x.sqlite" --export
    cli bad-since 2 "--since 2026-13-01" --store "sqlite:$tmp/x.sqlite" --export --since 2026-13-01
    cli cert-without-key 2 "--cert-file and --key-file go together" --cert-file x --store "sqlite:$tmp/x.sqlite" --export
    cli open-without-key 2 "--open-fields needs --box-key" --store "sqlite:$tmp/x.sqlite" --export --open-fields
    cli push-without-version 2 "--push needs --version" --push catalog assets/catalog.json --sign-key k --broker "$broker"
    cli push-bad-version 2 "--version x: expected a whole number" --push catalog assets/catalog.json --version x
    cli push-bad-kind 1 "--push menu: expected catalog or config" --push menu assets/catalog.json --version 1 --sign-key "$tmp/regkeys/register.sign.key" --broker "$broker"
    cli push-bad-sign-key 1 "--sign-key $tmp/keys: not a key file" --push catalog assets/catalog.json --version 1 --sign-key "$tmp/keys" --broker "$broker"
    # The kiosks' own rule (config_parse_overlay): an overlay that would move terminals to
    # another broker or make them boards is refused before it is signed.
    printf '[sync]\nbroker = mqtt://elsewhere.example:1883\n' >"$tmp/sync-overlay.ini"
    printf '[kiosk]\nidle_timeout = 90\n[terminal]\nrole = board\n' >"$tmp/role-overlay.ini"
    cli push-overlay-sync 1 "sync-overlay.ini:2: [sync] broker: an overlay may not change" --push config "$tmp/sync-overlay.ini" --version 1 --sign-key "$tmp/regkeys/register.sign.key" --broker "$broker"
    cli push-overlay-role 1 "role-overlay.ini:4: [terminal] role: an overlay may not change" --push config "$tmp/role-overlay.ini" --version 1 --sign-key "$tmp/regkeys/register.sign.key" --broker "$broker"
    cli keygen-twice 1 "already there" --keygen "$tmp/regkeys"
fi

# ---- the scenarios, on one store ----
scenario() { # scenario LABEL STORE
    local s=$1 store=$2 r="$1-a" p
    start_reg "$r" "$store" "reg-$s-a" || { fail "$s/start" "$(tail -3 "$tmp/$r.log")"; return; }
    base="http://127.0.0.1:${rport[$r]}/r"

    # One request, stored once; the same message again is dropped.
    p=$(event 1 --seq 10)
    pub T01 "$key1" "$p"
    if wait_until 10 has_count "$store" requests 1; then pass "$s/stored"; else fail "$s/stored" "requests $(count "$store" requests)"; fi
    pub T01 "$key1" "$p"
    if wait_until 10 health_is "$r" duplicates 1 && has_count "$store" events 1 &&
        has_count "$store" requests 1; then
        pass "$s/duplicate-dropped"
    else
        fail "$s/duplicate-dropped" "events $(count "$store" events), duplicates $(health "$r" duplicates)"
    fi

    # Its receipt printed (the page's screenshot shows it).
    pub T01 "$key1" "$(event 1 --seq 11 --kind print --status printed)"
    if wait_until 10 status_is "$store" 1 printed; then pass "$s/printed"; else fail "$s/printed" "status $(status_of "$store" 1)"; fi

    # An event before its request: kept, then applied when the request arrives.
    pub T01 "$key1" "$(event 2 --seq 21 --kind print --status printed)"
    wait_until 10 has_count "$store" waiting 1
    pub T01 "$key1" "$(event 2 --seq 20)"
    if wait_until 10 has_count "$store" waiting 0 && [ "$(status_of "$store" 2)" = printed ]; then
        pass "$s/event-before-request"
    else
        fail "$s/event-before-request" "waiting $(count "$store" waiting), status $(status_of "$store" 2)"
    fi
    pub T01 "$key1" "$(event 2 --seq 22 --kind reprint --status paper-out --detail 'out of paper')"
    if wait_until 10 status_is "$store" 2 paper-out; then
        pass "$s/later-status"
    else
        fail "$s/later-status" "status $(status_of "$store" 2)"
    fi

    # Poison: each refused, counted, acknowledged; good messages keep flowing.
    pub T01 "$key2" "$(event 3 --seq 30)"                                  # signed by another terminal
    p=$(event 4 --seq 40)
    local sig
    sig=$(printf '%s' "$p" | "$sim" sign "$key1")
    mosquitto_pub -V mqttv5 -h 127.0.0.1 -p "$mport" -q 1 -t sheba/UDC-0001/T01/event \
        -m "${p/B-1001/B-1002}" -D publish user-property sig "$sig"       # changed after signing
    mosquitto_pub -V mqttv5 -h 127.0.0.1 -p "$mport" -q 1 -t sheba/UDC-0001/T01/event -m "$p" # no sig
    pub T01 "$key1" '{"v": 1, "event": "x", "kind": "request"'            # not JSON
    pub T01 "$key1" '{"v": 1, "event": "UDC-0001-T01-20261129-0005/50", "kind": "request"}' # fields missing
    pub T01 "$key1" "$(printf '\xff\xfe')"                                  # not UTF-8
    "$sim" event "$tmp/term/UDC-0009-T01/signing.key" UDC-0009 T01 1 >"$tmp/unknown.json"
    mosquitto_pub -V mqttv5 -h 127.0.0.1 -p "$mport" -q 1 -t sheba/UDC-0009/T01/event \
        -f "$tmp/unknown.json" -D publish user-property sig \
        "$("$sim" sign "$tmp/term/UDC-0009-T01/signing.key" <"$tmp/unknown.json")"   # unknown terminal
    pub T01 "$key1" "$("$sim" event "$key1" UDC-0001 T02 6 --base "$base")"     # payload says T02
    pub T01 "$key1" "$(event 7 --seq 70 --qr-token B-9999)"                # receipt of another token
    printf '{"v": 1, "pad": "%s"}' "$(head -c 70000 /dev/zero | tr '\0' x)" >"$tmp/big.json"
    mosquitto_pub -V mqttv5 -h 127.0.0.1 -p "$mport" -q 1 -t sheba/UDC-0001/T01/event \
        -f "$tmp/big.json" -D publish user-property sig "$("$sim" sign "$key1" <"$tmp/big.json")"
    pub T01 "$key1" "$(event 8 --seq 80)"                                  # a good one after them
    if wait_until 10 has_count "$store" requests 3; then pass "$s/flows-after-poison"; else fail "$s/flows-after-poison" "requests $(count "$store" requests)"; fi
    local want="bad_signature=3 malformed=3 unknown_terminal=1 topic_mismatch=1 bad_receipt=1 oversized=1" got=""
    for kv in $want; do got+="${kv%%=*}=$(health "$r" "${kv%%=*}") "; done
    if [ "${got% }" = "$want" ] && kill -0 "${rpid[$r]}" 2>/dev/null &&
        grep -q "refused sheba/UDC-0001/T01/event: topic_mismatch: payload says UDC-0001/T02" "$tmp/$r.log"; then
        pass "$s/poison-refused-and-counted"
    else
        fail "$s/poison-refused-and-counted" "counted: $got; wanted $want"
    fi

    # Token bands: a second terminal on a held band is refused (retained control), then lifted.
    status_msg T01 1
    status_msg T02 1
    if wait_until 10 control_has T02 "band 1 is held by T01" && control_empty T01; then
        pass "$s/band-conflict-published"
    else
        fail "$s/band-conflict-published" "T02 control: $(sub_retained sheba/UDC-0001/T02/control)"
    fi
    # Signed with register.sign.key, so that the terminal's [sync] register_key accepts it.
    local ctl csig
    ctl=$(mosquitto_sub -V mqttv5 -h 127.0.0.1 -p "$mport" -t sheba/UDC-0001/T02/control -C 1 -W 2 -F '%P|%p' 2>/dev/null)
    csig=$(sed -n 's/^sig:\([^|]*\)|.*/\1/p' <<<"$ctl")
    if [ -n "$csig" ] && printf '%s' "${ctl#*|}" |
        "$sim" verify "$tmp/regkeys/register.sign.pub" "$csig"; then
        pass "$s/band-refusal-signed"
    else
        fail "$s/band-refusal-signed" "not signed by register.sign.key: $ctl"
    fi
    status_msg T02 2
    if wait_until 10 control_empty T02; then
        pass "$s/band-conflict-lifted"
    else
        fail "$s/band-conflict-lifted" "T02 control: $(sub_retained sheba/UDC-0001/T02/control)"
    fi
    status_msg T03 ""
    if wait_until 10 control_has T03 "no token band"; then
        pass "$s/empty-band-refused"
    else
        fail "$s/empty-band-refused" "T03 control: $(sub_retained sheba/UDC-0001/T03/control)"
    fi
    status_msg T03 3
    if wait_until 10 control_empty T03; then
        pass "$s/empty-band-lifted"
    else
        fail "$s/empty-band-lifted" "T03 control: $(sub_retained sheba/UDC-0001/T03/control)"
    fi
    # A kiosk without a key cannot claim a band (nor lock the others out).
    status_msg T99 2
    if wait_until 10 grep -q "refused sheba/UDC-0001/T99/status: unknown_terminal" "$tmp/$r.log" &&
        control_empty T02; then
        pass "$s/unknown-kiosk-presence-refused"
    else
        fail "$s/unknown-kiosk-presence-refused" "$(grep T99 "$tmp/$r.log" | tail -1)"
    fi

    # Killed inside the transaction (before COMMIT): the message was not acknowledged, so the
    # broker delivers it again to the restarted register, which stores it once.
    stop_reg "$r"
    start_reg "$r" "$store" "reg-$s-a" --die-before-commit 1
    pub T01 "$key1" "$(event 9 --seq 90)"
    if wait_until 10 grep -q "killed before committing UDC-0001-T01-20261129-0009/90" "$tmp/$r.log" &&
        wait_until 5 dead "${rpid[$r]}" && has_count "$store" requests 3; then
        unset "rpid[$r]"
        start_reg "$r" "$store" "reg-$s-a"
        if wait_until 10 has_count "$store" requests 4 && has_count "$store" events 7; then
            pass "$s/killed-before-commit-redelivered"
        else
            fail "$s/killed-before-commit-redelivered" "requests $(count "$store" requests), events $(count "$store" events)"
        fi
    else
        fail "$s/killed-before-commit-redelivered" "did not die before committing: $(tail -2 "$tmp/$r.log")"
        stop_reg "$r"
        start_reg "$r" "$store" "reg-$s-a"
    fi

    # SIGKILL mid-stream, restart with the same command line: nothing lost, nothing doubled.
    local before stored_at_kill
    before=$(count "$store" requests)
    # At 50 a second the stream lasts 8 s: the kill lands in its middle however fast the
    # register stores (unpaced, an idle register once stored all 400 before the kill).
    "$sim" burst "$broker" "$key1" UDC-0001 T01 1000 400 --rate 50 >/dev/null &
    local bpid=$!
    wait_until 20 at_least "$store" $((before + 40))
    kill_reg "$r"
    stored_at_kill=$(($(count "$store" requests) - before))
    wait "$bpid"
    start_reg "$r" "$store" "reg-$s-a"
    if wait_until 60 has_count "$store" requests $((before + 400)) &&
        [ "$stored_at_kill" -gt 0 ] && [ "$stored_at_kill" -lt 400 ] &&
        [ "$(count "$store" events)" = "$((before + 400 + 3))" ]; then
        pass "$s/sigkill-mid-stream ($stored_at_kill of 400 stored when killed)"
    else
        fail "$s/sigkill-mid-stream" "killed at $stored_at_kill of 400; now $(($(count "$store" requests) - before)), events $(count "$store" events)"
    fi

    # The broker stopped and started again while a backlog drains: nothing lost or doubled.
    # A thousand: a release register stores about 1,300 a second on SQLite, so a backlog of a
    # few hundred could drain between the poll that sees 30 and the stop.
    stop_reg "$r"
    before=$(count "$store" requests)
    "$sim" burst "$broker" "$key1" UDC-0001 T01 5000 1000 >/dev/null
    start_reg "$r" "$store" "reg-$s-a"
    wait_until 20 at_least "$store" $((before + 30))
    kill "$mpid" && wait "$mpid" 2>/dev/null # SIGTERM: Mosquitto saves its sessions
    stored_at_kill=$(($(count "$store" requests) - before))
    run_broker
    if wait_until 60 has_count "$store" requests $((before + 1000)) &&
        [ "$stored_at_kill" -lt 1000 ] && [ "$(count "$store" events)" = "$((before + 1000 + 3))" ]; then
        pass "$s/broker-restart-mid-drain ($stored_at_kill of 1000 stored when it stopped)"
    else
        fail "$s/broker-restart-mid-drain" "stopped at $stored_at_kill; now $(($(count "$store" requests) - before)) of 1000, events $(count "$store" events)"
    fi

    # Two registers share the stream; one killed, the other takes over (its session too).
    local r2="$s-b" total
    start_reg "$r2" "$store" "reg-$s-b"
    wait_until 10 presence_online "reg-$s-b" # published after its SUBSCRIBE: it shares from now
    before=$(count "$store" requests)
    "$sim" burst "$broker" "$key1" UDC-0001 T01 2000 200 >/dev/null
    wait_until 30 has_count "$store" requests $((before + 200))
    local a b
    a=$(health "$r" stored) b=$(health "$r2" stored)
    if has_count "$store" requests $((before + 200)) && [ "${b:-0}" -gt 0 ] && [ "${b:-0}" -lt 200 ]; then
        pass "$s/two-registers-share ($b of 200 by the second, $a in all by the first)"
    else
        fail "$s/two-registers-share" "stored $(($(count "$store" requests) - before)) of 200; second register stored ${b:-?}"
    fi
    kill_reg "$r"
    before=$(count "$store" requests)
    "$sim" burst "$broker" "$key1" UDC-0001 T01 3000 200 >/dev/null
    if wait_until 40 has_count "$store" requests $((before + 200)) &&
        grep -q "taking over its session" "$tmp/$r2.log"; then
        pass "$s/survivor-takes-over"
    else
        fail "$s/survivor-takes-over" "stored $(($(count "$store" requests) - before)) of 200 with reg-$s-a killed: $(grep -E 'gone|taking|holding' "$tmp/$r2.log" | tail -3 | tr '\n' ' ')"
    fi
    start_reg "$r" "$store" "reg-$s-a"
    before=$(count "$store" requests)
    "$sim" burst "$broker" "$key1" UDC-0001 T01 4000 100 >/dev/null
    if wait_until 30 has_count "$store" requests $((before + 100)) &&
        wait_until 10 grep -q "no longer held here\|giving back the session" "$tmp/$r2.log"; then
        pass "$s/returning-register-resumes"
    else
        fail "$s/returning-register-resumes" "stored $(($(count "$store" requests) - before)) of 100: $(tail -3 "$tmp/$r2.log" | tr '\n' ' ')"
    fi
    total=$(count "$store" requests)
    if [ "$total" = "$("$reg" --store "$store" --export 2>/dev/null | grep -o '"tracking":"[^"]*"' | sort -u | wc -l)" ] &&
        [ "$(count "$store" events)" = $((total + 3)) ] && has_count "$store" waiting 0; then
        pass "$s/exactly-once ($total requests)"
    else
        fail "$s/exactly-once" "requests $total, events $(count "$store" events), waiting $(count "$store" waiting)"
    fi
    stop_reg "$r2"

    # The status page and its JSON.
    page_checks "$s" "$store" "$r"
    stop_reg "$r"
}

# shellcheck disable=SC2034 # the receipts are read through ${!name}
page_checks() { # page_checks LABEL STORE REGISTER
    local s=$1 r=$3 url="http://127.0.0.1:${rport[$3]}"
    local good pending forged unknown
    good=$("$sim" qr "$key1" UDC-0001 T01 1 --base "$url/r")
    pending=$("$sim" qr "$key1" UDC-0001 T01 77 --base "$url/r" --token B-1077)
    forged=$("$sim" qr "$key1" UDC-0001 T01 1 --base "$url/r" --token B-1002)
    forged="${forged/B-1002/B-1003}"
    unknown=$("$sim" qr "$tmp/term/UDC-0009-T01/signing.key" UDC-0009 T01 1 --base "$url/r")
    local name want code text
    while read -r name want code text; do
        local u=${!name} got
        got=$(curl -s -o "$tmp/page.html" -w '%{http_code}' "$u")
        if [ "$got" = "$code" ] && grep -qF "$text" "$tmp/page.html" && grep -qF "$want" "$tmp/page.html"; then
            pass "$s/page-$name ($code)"
        else
            fail "$s/page-$name" "HTTP $got (wanted $code), text \"$text\" / \"$want\": $(grep -o '<h1>[^<]*' "$tmp/page.html")"
        fi
    done <<EOF
good আসল 200 Genuine receipt
pending পৌঁছায়নি 200 Genuine, not yet received by the register
forged আসল 403 This receipt is not genuine
unknown চেনা 404 Unknown receipt
EOF
    code=$(curl -s -o "$tmp/page.html" -w '%{http_code}' "$url/r/UDC-0001-T01-20261129-0001?t=B-1001")
    [ "$code" = 400 ] && grep -qF "not a Sheba receipt link" "$tmp/page.html" && pass "$s/page-malformed (400)" ||
        fail "$s/page-malformed" "HTTP $code"
    local api="${good/\/r\//\/api\/request\/}"
    if curl -s "$api" | grep -q '"result":"genuine","received":true,.*"request":{.*"status":"printed"' &&
        [ "$(curl -s -o /dev/null -w '%{http_code}' "${forged/\/r\//\/api\/request\/}")" = 403 ]; then
        pass "$s/api-request"
    else
        fail "$s/api-request" "$(curl -s "$api")"
    fi
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz")" = 200 ] && pass "$s/healthz" || fail "$s/healthz" "$(curl -s "$url/healthz")"
    # In a browser: what a phone shows. One Chromium (through chromedriver, so it starts
    # once) opens each page at a phone's size; its visible text is checked, and its
    # screenshot kept (docs/images/ with --shots).
    [ "$s" = sqlite ] || return
    if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
        fail "$s/browser" "chromium and chromium-driver are not installed"
        return
    fi
    local dport dpid sid wd try caps
    caps='{"capabilities":
        {"alwaysMatch": {"goog:chromeOptions": {"binary": "/usr/bin/chromium",
        "mobileEmulation": {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1}},
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
        "--window-size=390,844", "--user-data-dir='"$tmp/chrome"'"]}}}}'
    # A loaded machine once gave no session at all (an empty reply): the driver is given time
    # to listen and Chromium time to start, and a failed start is tried again, twice at most,
    # each time on a new port with a fresh profile; what went wrong is said if all fail.
    for try in 1 2 3; do
        dport=$(free_port)
        rm -rf "$tmp/chrome"
        chromedriver --port="$dport" >"$tmp/chromedriver.log" 2>&1 &
        dpid=$!
        wd="http://127.0.0.1:$dport"
        wait_until 30 curl -sf "$wd/status"
        curl -s --max-time 90 -X POST "$wd/session" -H 'Content-Type: application/json' \
            -d "$caps" >"$tmp/session.json"
        sid=$(grep -o '"sessionId":"[^"]*"' "$tmp/session.json" | cut -d'"' -f4)
        [ -n "$sid" ] && break
        info "browser: no session on try $try: $(head -c 300 "$tmp/session.json") $(tail -3 "$tmp/chromedriver.log" | tr '\n' ' ')"
        kill "$dpid" 2>/dev/null
        wait "$dpid" 2>/dev/null
    done
    if [ -z "$sid" ]; then
        fail "$s/browser" "chromedriver gave no session in 3 tries"
        return
    fi
    for name in good pending forged unknown; do
        local u=${!name} shot="$tmp/shot-$name.png" t el
        case $name in
        good) t="Genuine receipt" ;; pending) t="not yet received" ;;
        forged) t="not genuine" ;; unknown) t="Unknown receipt" ;;
        esac
        curl -s --max-time 60 -X POST "$wd/session/$sid/url" -H 'Content-Type: application/json' \
            -d "{\"url\": \"$u\"}" >/dev/null
        el=$(curl -s -X POST "$wd/session/$sid/element" -H 'Content-Type: application/json' \
            -d '{"using": "css selector", "value": "body"}' | grep -o '"element-[^"]*":"[^"]*"' | cut -d'"' -f4)
        curl -s "$wd/session/$sid/element/$el/text" >"$tmp/text.json"
        curl -s "$wd/session/$sid/screenshot" | sed 's/^{"value":"//; s/"}$//' | base64 -d >"$shot" 2>/dev/null
        if grep -qF "$t" "$tmp/text.json" && [ "$(head -c 4 "$shot" | tail -c 3)" = PNG ]; then
            pass "$s/browser-$name"
            [ "$shots" = --shots ] && mkdir -p docs/images && cp "$shot" "docs/images/register-$name.png"
        else
            fail "$s/browser-$name" "no \"$t\" in the page's visible text, or no screenshot: $(head -c 200 "$tmp/text.json"); chromedriver $(kill -0 "$dpid" 2>/dev/null && echo running || echo gone): $(tail -3 "$tmp/chromedriver.log" | tr '\n' ' ')"
        fi
    done
    curl -s -X DELETE "$wd/session/$sid" >/dev/null
    kill "$dpid" 2>/dev/null
    wait "$dpid" 2>/dev/null
}

phases=" ${REGISTER_CHECKS:-sqlite pg tls rate} "
[[ $phases == *" sqlite "* ]] && scenario sqlite "sqlite:$tmp/register.sqlite"
if [[ $phases == *" pg "* ]]; then
    start_broker
    if pgurl=$(pg_db register); then scenario pg "$pgurl"; else fail pg/setup "cannot create a database"; fi
fi

# ---- TLS, a client certificate, a user name and password; pushes ----
tls_phase() {
    local d="$tmp/tls" r=tls
    mkdir -p "$d"
    # A CA, the broker's certificate for 127.0.0.1, a client certificate; and a stranger's CA.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj /CN=sheba-test-ca -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
    for who in server client; do
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$who" \
            -keyout "$d/$who.key" -out "$d/$who.csr" 2>/dev/null
        printf 'subjectAltName = IP:127.0.0.1\n' >"$d/$who.ext"
        openssl x509 -req -in "$d/$who.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
            -days 2 -extfile "$d/$who.ext" -out "$d/$who.crt" 2>/dev/null
    done
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj /CN=someone-else -keyout "$d/other.key" -out "$d/other-ca.crt" 2>/dev/null
    printf 'secret-of-the-register\n' >"$d/password"
    printf 'wrong\n' >"$d/wrong-password"
    touch "$d/passwd"
    mosquitto_passwd -b "$d/passwd" register "$(cat "$d/password")" 2>/dev/null
    [ -n "$mpid" ] && kill "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
    mport=$(free_port)
    cat >"$d/mosquitto.conf" <<EOF
listener $mport 127.0.0.1
cafile $d/ca.crt
certfile $d/server.crt
keyfile $d/server.key
require_certificate true
allow_anonymous false
password_file $d/passwd
persistence false
user $(id -un)
EOF
    mosquitto -c "$d/mosquitto.conf" 2>"$d/mosquitto.err" &
    mpid=$!
    broker="mqtts://127.0.0.1:$mport"
    wait_until 10 bash -c "echo >/dev/tcp/127.0.0.1/$mport" || { fail tls/broker "$(cat "$d/mosquitto.err")"; return; }
    local store="sqlite:$tmp/tls.sqlite"
    local tlsopts=(--ca-file "$d/ca.crt" --cert-file "$d/client.crt" --key-file "$d/client.key"
        --username register)
    local client=(-h 127.0.0.1 -p "$mport" --cafile "$d/ca.crt" --cert "$d/client.crt"
        --key "$d/client.key" -u register -P "$(cat "$d/password")")
    if start_reg "$r" "$store" reg-tls "${tlsopts[@]}" --password-file "$d/password"; then
        pass "tls/connected"
    else
        fail "tls/connected" "$(tail -3 "$tmp/$r.log" | tr '\n' ' ')"
    fi
    local p sig
    p=$(event 31 --seq 310)
    sig=$(printf '%s' "$p" | "$sim" sign "$key1")
    mosquitto_pub -V mqttv5 "${client[@]}" -q 1 -t sheba/UDC-0001/T01/event -m "$p" \
        -D publish user-property sig "$sig"
    if wait_until 10 has_count "$store" requests 1; then
        pass "tls/stored"
    else
        fail "tls/stored" "$(tail -3 "$tmp/$r.log" | tr '\n' ' ')"
    fi
    stop_reg "$r"
    # Refused: a wrong password; a broker whose certificate no given CA signed.
    connect_wait=4 start_reg tls-wrong "$store" reg-tls-wrong "${tlsopts[@]}" --password-file "$d/wrong-password"
    if wait_until 5 grep -q "broker refused reg-tls-wrong" "$tmp/tls-wrong.log" &&
        curl -s "http://127.0.0.1:${rport[tls-wrong]}/healthz" | grep -q '"mqtt":"disconnected"'; then
        pass "tls/wrong-password-refused"
    else
        fail "tls/wrong-password-refused" "$(tail -3 "$tmp/tls-wrong.log" | tr '\n' ' ')"
    fi
    stop_reg tls-wrong
    connect_wait=4 start_reg tls-ca "$store" reg-tls-ca --ca-file "$d/other-ca.crt" --cert-file "$d/client.crt" \
        --key-file "$d/client.key" --username register --password-file "$d/password"
    if ! grep -q "connected to" "$tmp/tls-ca.log" &&
        curl -s "http://127.0.0.1:${rport[tls-ca]}/healthz" | grep -q '"mqtt":"disconnected"'; then
        pass "tls/unknown-ca-refused"
    else
        fail "tls/unknown-ca-refused" "$(tail -3 "$tmp/tls-ca.log" | tr '\n' ' ')"
    fi
    stop_reg tls-ca

    # Pushes: signed, retained, checked with register.sign.pub; a bad catalog never leaves.
    local push=("$reg" --broker "$broker" "${tlsopts[@]}" --password-file "$d/password"
        --sign-key "$tmp/regkeys/register.sign.key")
    local sub=(mosquitto_sub -V mqttv5 "${client[@]}" -C 1 -W 3)
    if "${push[@]}" --push catalog assets/catalog.json --version 3 >"$d/push.out" 2>&1 &&
        "${sub[@]}" -t sheba/push/catalog -F '%p' >"$d/catalog.payload" &&
        "${sub[@]}" -t sheba/push/catalog -F '%P' >"$d/catalog.props" &&
        grep -q '^{"v":1,"kind":"catalog","version":3,"catalog":{' "$d/catalog.payload" &&
        head -c -1 "$d/catalog.payload" |
        "$sim" verify "$tmp/regkeys/register.sign.pub" "$(sed -n 's/^sig://p' "$d/catalog.props")"; then
        pass "push/catalog-signed-retained"
    else
        fail "push/catalog-signed-retained" "$(cat "$d/push.out") $(head -c 100 "$d/catalog.payload")"
    fi
    printf '[kiosk]\nidle_timeout = 90\n' >"$d/overlay.ini"
    if "${push[@]}" --push config "$d/overlay.ini" --version 2 --centre UDC-0001 >/dev/null 2>&1 &&
        "${sub[@]}" -t sheba/UDC-0001/push/config -F '%p' | grep -qF '"config":"[kiosk]\nidle_timeout = 90\n"'; then
        pass "push/config-to-a-centre"
    else
        fail "push/config-to-a-centre" "no retained overlay on sheba/UDC-0001/push/config"
    fi
    if ! "${push[@]}" --push catalog tests/data/catalog/bad/official_fee_string.json --version 4 >"$d/bad.out" 2>&1 &&
        grep -qF "services[0].official_fee" "$d/bad.out" &&
        "${sub[@]}" -t sheba/push/catalog -F '%p' | grep -q '"version":3'; then
        pass "push/bad-catalog-refused"
    else
        fail "push/bad-catalog-refused" "$(cat "$d/bad.out")"
    fi
}
if [[ $phases == *" tls "* ]]; then
    if command -v openssl >/dev/null; then tls_phase; else fail tls/setup "openssl is not installed"; fi
fi

# ---- rates: a burst queued for a stopped register, then drained ----
for s in sqlite pg; do
    [[ $phases == *" rate "* ]] || break
    if [ $s = sqlite ]; then store="sqlite:$tmp/rate.sqlite"; else store=$(pg_db rate); fi
    start_broker
    start_reg "rate-$s" "$store" "rate-$s" # its session and subscription, for the burst
    # Its presence is published after its SUBSCRIBE on the same connection, so once the broker
    # holds it the subscription is in the session ("connected" is said before that).
    wait_until 10 presence_online "rate-$s"
    stop_reg "rate-$s"
    "$sim" burst "$broker" "$key2" UDC-0001 T02 1 1000 >"$tmp/rate-$s.burst" 2>&1
    t0=$EPOCHREALTIME
    start_reg "rate-$s" "$store" "rate-$s"
    if wait_until 120 has_count "$store" requests 1000; then
        info "$s: $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "1000 messages stored in %.2f s: %d messages/s", b - a, 1000 / (b - a)}') (one transaction each, from register start)"
        pass "$s/rate-burst"
    else
        fail "$s/rate-burst" "$(count "$store" requests) of 1000 stored: $(cat "$tmp/rate-$s.burst") $(tail -3 "$tmp/rate-$s.log" | tr '\n' ' ')"
    fi
    stop_reg "rate-$s"
done

# An ASan+UBSan register must have said nothing about memory in any of its logs.
if [ $tag = register-san ]; then
    if grep -l "Sanitizer\|runtime error:" "$tmp"/*.log >"$tmp/san.txt" 2>/dev/null; then
        fail sanitizers "reports in $(tr '\n' ' ' <"$tmp/san.txt"): $(grep -h -m1 -A3 "Sanitizer\|runtime error:" "$tmp"/*.log | head -6 | tr '\n' ' ')"
    else
        pass sanitizers
    fi
fi

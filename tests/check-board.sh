#!/usr/bin/env bash
# What a technician flashes and installs: the .deb packages (contents, control), the systemd
# units (systemd-analyze verify), tools/flash on file targets with every refusal, and
# tools/provision on a partitioned image with a FAT boot partition made here, applied the way
# the first boot does, then checked by starting the kiosk on the result.
# Prints PASS/FAIL lines. Usage: tests/check-board.sh BUILD_DIR [ARM64_BUILD_DIR]
set -u
cd "$(dirname "$0")/.." || exit 1
build=$1
arm=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass() { echo "PASS board/$1"; }
fail() { echo "FAIL board/$1: $2"; }
expect() { # expect NAME STATUS TEXT -- CMD...: exit status and a text in the output
    local name=$1 want=$2 text=$3
    shift 4
    "$@" >"$tmp/out" 2>&1
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "$name" "exit status $rc, expected $want: $(tail -2 "$tmp/out" | tr '\n' ' ')"
    elif [ -n "$text" ] && ! grep -qF -- "$text" "$tmp/out"; then
        fail "$name" "expected \"$text\" in: $(tail -2 "$tmp/out" | tr '\n' ' ')"
    else
        pass "$name"
    fi
}

# ---- the .deb ----
check_deb() { # check_deb BUILD ARCH
    local deb
    if ! deb=$(tools/make-deb "$1" "$2" 0.1.0 "$tmp/dist" 2>"$tmp/deb-err"); then
        fail "deb-$2" "$(cat "$tmp/deb-err")"
        return
    fi
    dpkg-deb -c "$deb" | awk '{print $1, $6}' | sed 's|\./||' >"$tmp/contents-$2"
    local missing=""
    for f in "-rwxr-xr-x usr/bin/sheba-kiosk" "-rwxr-xr-x usr/bin/sheba-receipt-render" \
        "-rwxr-xr-x usr/bin/sheba-printer-probe" "-rwxr-xr-x usr/bin/sheba-verify-receipt" \
        "-rw-r--r-- usr/share/sheba-kiosk/assets/catalog.json" \
        "-rw-r--r-- usr/share/sheba-kiosk/assets/i18n/bn.po" \
        "-rw-r--r-- usr/share/sheba-kiosk/assets/printers/58mm.ini" \
        "-rw-r--r-- usr/share/sheba-kiosk/assets/voice/README.md" \
        "-rw-r--r-- usr/share/sheba-kiosk/fonts/NotoSansBengali-Regular.ttf" \
        "-rw-r--r-- usr/share/sheba-kiosk/fonts/MaterialIcons.codepoints" \
        "-rw-r--r-- etc/sheba-kiosk/kiosk.ini" "-rw-r--r-- lib/systemd/system/sheba-kiosk.service" \
        "-rw-r--r-- lib/systemd/system/sheba-kiosk-failed.service" \
        "-rw-r--r-- lib/systemd/system/sheba-kiosk-provision.service" \
        "-rw-r--r-- lib/systemd/system/sheba-kiosk-console.service" \
        "-rw-r--r-- lib/systemd/system/sheba-kiosk-power@.path" \
        "-rw-r--r-- lib/systemd/system/sheba-kiosk-power@.service" \
        "-rwxr-xr-x usr/lib/sheba-kiosk/vt-lock" \
        "-rw-r--r-- usr/lib/systemd/logind.conf.d/sheba-kiosk.conf" \
        "-rw-r--r-- usr/lib/systemd/system.conf.d/sheba-kiosk.conf" \
        "-rw-r--r-- usr/lib/sysctl.d/60-sheba-kiosk.conf" \
        "-rw-r--r-- lib/udev/rules.d/60-sheba-kiosk.rules" \
        "-rwxr-xr-x usr/lib/sheba-kiosk/provision-apply" \
        "-rw-r--r-- usr/lib/systemd/journald.conf.d/sheba-kiosk.conf" \
        "-rw-r--r-- usr/share/doc/sheba-kiosk/copyright"; do
        grep -qxF -- "$f" "$tmp/contents-$2" || missing="$missing $f"
    done
    [ -z "$missing" ] && pass "deb-$2-contents" || fail "deb-$2-contents" "missing:$missing"
    local arch conf machine
    arch=$(dpkg-deb -f "$deb" Architecture)
    conf=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)
    [ "$arch" = "$2" ] && [ "$conf" = /etc/sheba-kiosk/kiosk.ini ] && pass "deb-$2-control" ||
        fail "deb-$2-control" "Architecture $arch, conffiles $conf"
    # SDL opens EGL and GLES2 with dlopen on KMSDRM, so nothing else pulls them in: without
    # them the kiosk fails on the board with "EGL not initialized" (found by tools/boot-test).
    local deps missing_deps=""
    deps=$(dpkg-deb -f "$deb" Depends)
    for d in libegl1 libgles2 libgbm1 libgl1-mesa-dri libsdl2-2.0-0 libsdl2-ttf-2.0-0 \
        libespeak-ng1 espeak-ng-data libmicrohttpd12 libmosquitto1; do
        case ", $deps," in *", $d,"*) ;; *) missing_deps="$missing_deps $d" ;; esac
    done
    [ -z "$missing_deps" ] && pass "deb-$2-depends" || fail "deb-$2-depends" "missing:$missing_deps"
    mkdir -p "$tmp/root-$2"
    dpkg-deb -x "$deb" "$tmp/root-$2"
    machine=$(od -An -tx1 -j18 -N2 "$tmp/root-$2/usr/bin/sheba-kiosk" | tr -d ' ')
    { [ "$2" = amd64 ] && [ "$machine" = 3e00 ]; } || { [ "$2" = arm64 ] && [ "$machine" = b700 ]; } &&
        pass "deb-$2-binary" || fail "deb-$2-binary" "ELF machine $machine"
    [ -f "$tmp/root-$2/usr/share/sheba-kiosk/assets/web/index.html" ] &&
        pass "deb-$2-web-app" || fail "deb-$2-web-app" "the counters' web app is not packaged"
    grep -q '^spec = usb$' "$tmp/root-$2/etc/sheba-kiosk/kiosk.ini" &&
        pass "deb-$2-config" || fail "deb-$2-config" "the packaged kiosk.ini does not print to usb"
    # "Shut down" asks systemd through the path unit the kiosk unit pulls in (no polkit).
    grep -qx 'shutdown_command = touch /run/sheba-kiosk/poweroff' \
        "$tmp/root-$2/etc/sheba-kiosk/kiosk.ini" &&
        grep -q '^Wants=.*sheba-kiosk-power@poweroff.path' \
            "$tmp/root-$2/lib/systemd/system/sheba-kiosk.service" &&
        pass "deb-$2-shutdown" || fail "deb-$2-shutdown" "shutdown_command and the power path unit disagree"
}
host_arch=$(dpkg --print-architecture)
check_deb "$build" "$host_arch"
[ -z "$arm" ] || check_deb "$arm" arm64

# ---- the units, as systemd reads them ----
root="$tmp/root-$host_arch"
if [ -d "$root" ]; then
    mkdir -p "$root/bin"
    cp /bin/sh "$root/bin/"
    cp -rn /lib/systemd/system/. "$root/lib/systemd/system/"
    for u in sheba-kiosk sheba-kiosk-failed sheba-kiosk-provision sheba-kiosk-console \
        sheba-kiosk-power@poweroff; do
        out=$(systemd-analyze verify --root="$root" "$root/lib/systemd/system/$u.service" 2>&1)
        [ $? -eq 0 ] && [ -z "$out" ] && pass "unit-$u" || fail "unit-$u" "$out"
    done
fi

# ---- tools/flash ----
head -c 3145728 /dev/urandom >"$tmp/kiosk.img"
expect flash-file 0 "OK: " -- tools/flash "$tmp/kiosk.img" "$tmp/copy.img" --yes
cmp -s "$tmp/kiosk.img" "$tmp/copy.img" && pass flash-file-identical || fail flash-file-identical "differs"
expect flash-no-image 1 "no such image" -- tools/flash "$tmp/none.img" "$tmp/x" --yes
fake_disk() { # fake_disk NAME REMOVABLE SECTORS: a plain file standing in for /dev/NAME
    mkdir -p "$tmp/sys/$1" "$tmp/dev"
    echo "$2" >"$tmp/sys/$1/removable"
    echo "$3" >"$tmp/sys/$1/size"
    : >"$tmp/dev/$1"
}
export FLASH_SYS_BLOCK="$tmp/sys" FLASH_MOUNTS="$tmp/mounts" FLASH_ROOT_DISK=vda
echo "/dev/vda1 / ext4 rw 0 0" >"$tmp/mounts"
fake_disk sdx 1 8192
expect flash-removable 0 "OK: " -- tools/flash "$tmp/kiosk.img" "$tmp/dev/sdx" --yes
fake_disk sdy 0 8192
expect flash-not-removable 1 "not a removable disk" -- tools/flash "$tmp/kiosk.img" "$tmp/dev/sdy" --yes
expect flash-not-removable-forced 0 "OK: " -- tools/flash "$tmp/kiosk.img" "$tmp/dev/sdy" --yes --force
fake_disk mmcblk0 1 8192
echo "/dev/mmcblk0p1 /media/x vfat rw 0 0" >>"$tmp/mounts"
expect flash-mounted 1 "is mounted" -- tools/flash "$tmp/kiosk.img" "$tmp/dev/mmcblk0" --yes --force
fake_disk vda 1 8192
expect flash-root-disk 1 "root file system" -- tools/flash "$tmp/kiosk.img" "$tmp/dev/vda" --yes --force
fake_disk sdz 1 2048
expect flash-too-small 1 "the image is 3145728 bytes" -- tools/flash "$tmp/kiosk.img" "$tmp/dev/sdz" --yes
unset FLASH_SYS_BLOCK FLASH_MOUNTS FLASH_ROOT_DISK

# ---- tools/provision on an image with a FAT boot partition, then the first boot's part ----
img="$tmp/card.img"
truncate -s 96M "$img"
printf 'label: dos\nstart=2048, size=65536, type=c\nstart=67584, type=83\n' | sfdisk -q "$img"
mkfs.fat -C -n KIOSKBOOT "$tmp/boot.fat" 32768 >/dev/null
dd if="$tmp/boot.fat" of="$img" bs=512 seek=2048 conv=notrunc status=none
expect provision 0 "provisioned" -- tools/provision "$img" --centre-id UDC-4501 \
    --centre-bn "চৌদ্দশত ইউনিয়ন ডিজিটাল সেন্টার" --centre-en "Chowddoshata UDC" \
    --terminal-id T07 --pin 246810 --wifi-ssid CentreNet --wifi-psk "secret-passphrase" \
    --token-band 3 --kiosk "$build/kiosk"
mtype -i "$img@@1048576" ::sheba-provision.ini >"$tmp/prov.ini" 2>&1
sed -n '/^\[terminal\]/,/^\[/p' "$tmp/prov.ini" | grep -q '^token_band = 3$' &&
    pass provision-token-band || fail provision-token-band "$(grep -n token "$tmp/prov.ini")"
expect provision-bad-band 1 "--token-band: one digit" -- tools/provision "$img" --centre-id U \
    --centre-bn x --centre-en x --terminal-id T1 --token-band 10
# --role board: the queue board's role and where the counters' page listens.
expect provision-role-board 0 "queue board (counters at 0.0.0.0:8080)" -- tools/provision "$img" \
    --centre-id UDC-4501 --centre-bn "চৌদ্দশত ইউনিয়ন ডিজিটাল সেন্টার" --centre-en "Chowddoshata UDC" \
    --terminal-id BOARD --role board
mtype -i "$img@@1048576" ::sheba-provision.ini >"$tmp/board.ini" 2>&1
sed -n '/^\[terminal\]/,/^\[/p' "$tmp/board.ini" | grep -q '^role = board$' &&
    sed -n '/^\[board\]/,/^\[/p' "$tmp/board.ini" | grep -q '^http = 0.0.0.0:8080$' &&
    ! grep -q token_band "$tmp/board.ini" &&
    pass provision-role-board-written || fail provision-role-board-written "$(tr '\n' ' ' <"$tmp/board.ini")"
expect provision-board-http 0 "counters at 192.168.10.5:8181" -- tools/provision "$img" \
    --centre-id U --centre-bn x --centre-en x --terminal-id B2 --role board --board-http 192.168.10.5:8181
mtype -i "$img@@1048576" ::sheba-provision.ini | grep -qx 'http = 192.168.10.5:8181' &&
    pass provision-board-http-written || fail provision-board-http-written "$(mtype -i "$img@@1048576" ::sheba-provision.ini | tr '\n' ' ')"
expect provision-bad-role 1 "--role: kiosk or board" -- tools/provision "$img" --centre-id U \
    --centre-bn x --centre-en x --terminal-id T1 --role tv
expect provision-board-http-bad 1 "--board-http: HOST:PORT" -- tools/provision "$img" --centre-id U \
    --centre-bn x --centre-en x --terminal-id B1 --role board --board-http 0.0.0.0:99999
expect provision-board-http-without-role 1 "--board-http goes with --role board" -- tools/provision \
    "$img" --centre-id U --centre-bn x --centre-en x --terminal-id T1 --board-http 0.0.0.0:8080
expect provision-board-no-band 1 "a board issues no tokens" -- tools/provision "$img" --centre-id U \
    --centre-bn x --centre-en x --terminal-id B1 --role board --token-band 2
# Applied as the first boot does, the kiosk program starts as the board from its role alone
# (the port moved to a free one, as a later configuration file may).
mkdir -p "$tmp/bootfs-board" "$tmp/data-board"
cp "$tmp/board.ini" "$tmp/bootfs-board/sheba-provision.ini"
board/raspberrypi/provision-apply "$tmp/bootfs-board/sheba-provision.ini" "$tmp/data-board" >/dev/null
bport=$(for _ in $(seq 50); do p=$((20000 + RANDOM % 12000)); (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; break; }; done)
printf '[board]\nhttp = 127.0.0.1:%s\n' "$bport" >"$tmp/board-port.ini"
expect provisioned-board 0 "counters' web app on port $bport" -- env SDL_VIDEODRIVER=dummy \
    "$build/kiosk" --headless --config assets/kiosk.ini --config "$tmp/data-board/kiosk.ini" \
    --config "$tmp/board-port.ini" --data "$tmp/data-board" --exit-after 1500
# libmicrohttpd is opened only when the board starts its web server (src/queue/mhd.h): the
# program does not link it, a kiosk starts without it, and a board without it says which
# library it could not load and stops.
mkdir -p "$tmp/nomhd" "$tmp/data-nomhd"
: >"$tmp/nomhd/libmicrohttpd.so.12"
if readelf -d "$build/kiosk" | grep -q 'NEEDED.*libmicrohttpd'; then
    fail kiosk-links-no-microhttpd "$(readelf -d "$build/kiosk" | grep microhttpd)"
else
    pass kiosk-links-no-microhttpd
fi
expect kiosk-without-microhttpd 0 "" -- env LD_LIBRARY_PATH="$tmp/nomhd" SDL_VIDEODRIVER=dummy \
    "$build/kiosk" --headless --data "$tmp/data-nomhd"
expect board-without-microhttpd 1 "board: cannot load libmicrohttpd.so.12" -- \
    env LD_LIBRARY_PATH="$tmp/nomhd" SDL_VIDEODRIVER=dummy \
    "$build/kiosk" --headless --config assets/kiosk.ini --config "$tmp/data-board/kiosk.ini" \
    --config "$tmp/board-port.ini" --data "$tmp/data-board" --exit-after 1500
grep -q '^pin_hash = \$argon2id\$' "$tmp/prov.ini" && ! grep -q 246810 "$tmp/prov.ini" &&
    pass provision-pin-hashed || fail provision-pin-hashed "$(grep pin "$tmp/prov.ini")"
expect provision-bad-id 1 "--centre-id" -- tools/provision "$img" --centre-id "UDC 1" \
    --centre-bn x --centre-en x --terminal-id T1
expect provision-short-pin 1 "not 6 to 12 digits" -- tools/provision "$img" --centre-id U \
    --centre-bn x --centre-en x --terminal-id T1 --pin 2468 --kiosk "$build/kiosk"
expect provision-short-psk 1 "8 to 63" -- tools/provision "$img" --centre-id U --centre-bn x \
    --centre-en x --terminal-id T1 --wifi-psk short
expect provision-injection 1 "not allowed" -- tools/provision "$img" --centre-id U \
    --centre-bn "x]" --centre-en x --terminal-id T1
truncate -s 8M "$tmp/blank.img"
expect provision-no-table 1 "no partition table" -- tools/provision "$tmp/blank.img" \
    --centre-id U --centre-bn x --centre-en x --terminal-id T1
# First boot: apply it (the boot partition is a folder here), then start the kiosk on it.
mkdir -p "$tmp/bootfs" "$tmp/data"
cp "$tmp/prov.ini" "$tmp/bootfs/sheba-provision.ini"
expect provision-apply 0 "provisioned" -- board/raspberrypi/provision-apply \
    "$tmp/bootfs/sheba-provision.ini" "$tmp/data"
[ ! -e "$tmp/bootfs/sheba-provision.ini" ] && [ -f "$tmp/data/technician.pin" ] &&
    grep -q 'ssid="CentreNet"' "$tmp/data/wifi/wpa_supplicant.conf" &&
    ! grep -q pin_hash "$tmp/data/kiosk.ini" && pass provision-applied ||
    fail provision-applied "$(ls -R "$tmp/bootfs" "$tmp/data" | tr '\n' ' ')"
# As sheba-kiosk-provision.service runs it, as the kiosk user (here nobody): the data is
# applied, and the plain file on the read-only boot partition is left for the unit's root step.
if [ "$(id -u)" = 0 ]; then
    chmod 0711 "$tmp"
    mkdir -p "$tmp/bootfs-ro" "$tmp/data-user"
    install -m 0644 "$tmp/prov.ini" "$tmp/bootfs-ro/sheba-provision.ini"
    chmod 0755 "$tmp/bootfs-ro"
    chown 65534:65534 "$tmp/data-user"
    expect provision-apply-as-user 0 "left for the service to remove" -- setpriv --reuid=65534 \
        --regid=65534 --clear-groups board/raspberrypi/provision-apply \
        "$tmp/bootfs-ro/sheba-provision.ini" "$tmp/data-user"
    [ -e "$tmp/bootfs-ro/sheba-provision.ini" ] && grep -qx 'id = T07' "$tmp/data-user/kiosk.ini" &&
        [ "$(stat -c %a "$tmp/data-user/technician.pin")" = 600 ] &&
        pass provision-applied-as-user || fail provision-applied-as-user "$(ls -lR "$tmp/data-user" | tr '\n' ' ')"
fi
printf 'expect screen:welcome\nhold 10 10 3500\nhold 790 470 3500\ntype 246810\npress key:done\nexpect screen:tech\npress tech:config\nexpect tech:config\n' \
    >"$tmp/tech.replay"
expect provisioned-kiosk 0 "confirmed request UDC-4501-T07-" -- sh -c "
    '$build/kiosk' --headless --config assets/kiosk.ini --config '$tmp/data/kiosk.ini' \
        --data '$tmp/data' --printer 'file:$tmp/r.bin' --replay '$tmp/tech.replay' &&
    printf 'press lang:en\npress cat:agriculture\npress svc:farm_advice\npress next\ntype Rahim\npress next\npress opt:rice\npress next\npress opt:pest\npress next\ntype 01712345678\npress next\npress confirm\n' >'$tmp/flow.replay' &&
    '$build/kiosk' --headless --config assets/kiosk.ini --config '$tmp/data/kiosk.ini' \
        --data '$tmp/data' --printer 'file:$tmp/r.bin' --replay '$tmp/flow.replay'"

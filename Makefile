# Sheba Kiosk - build, run and test.
#
#   make          build build/kiosk and build/register (installs missing Debian packages as root)
#   make run      start the kiosk in a window with the bundled catalog and ./var/
#   make test     build normally and with ASan+UBSan, run every test, print a summary
#   make bench    print speed and memory figures
#   make bench-fleet  2,000 terminals through a local Mosquitto into 4 registers on PostgreSQL
#   make demo-centre  a centre on one machine: broker, register, board and two kiosks
#   make fuzz     fuzz every parser with libFuzzer (FUZZ_SECONDS=60 per target)
#   make golden   re-create the golden screenshots after an intended change of the UI
#   make format   clang-format every C file (make format-check: only check)
#   make lint     cppcheck, shellcheck, gcc -fanalyzer and the naming check (make test runs it)
#   make compile_commands.json   for editors and clangd (bear)
#   make print-deps              the Debian packages the build and the tests need (.ci/run)
#   make CROSS_COMPILE=aarch64-linux-gnu-      the same for a 64-bit Raspberry Pi, in build-arm64/
#   make test-arm64                             its unit tests and replays under qemu-aarch64
#   make deb                                    .deb packages for amd64 and arm64 in dist/

VERSION := 0.1.0
CROSS_COMPILE ?=
ifeq ($(CROSS_COMPILE),)
CC      ?= cc
BUILD   ?= build
ARCH_SUFFIX :=
PKG_CONFIG := pkg-config
else
# Debian's cross compiler and the arm64 (multiarch) -dev packages.
CC      := $(CROSS_COMPILE)gcc
BUILD   ?= build-arm64
ARCH_SUFFIX := :arm64
PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
              PKG_CONFIG_SYSROOT_DIR= pkg-config
endif
SAN     := $(BUILD)/san

# Debian packages: what building needs, and what the tests need on top.
DEB_LIBS  := libsdl2-dev libsdl2-ttf-dev libqrencode-dev libcjson-dev libinih-dev \
             libutf8proc-dev libpng-dev libsqlite3-dev libusb-1.0-0-dev libsodium-dev libsystemd-dev \
             libespeak-ng-dev libmicrohttpd-dev libmosquitto-dev
# The register (src/register/, build/register) is a program of its own: MQTT, PostgreSQL and
# HTTP are linked into it only, never into the kiosk; it is built natively, not for arm64.
DEB_REG   := libmosquitto-dev libpq-dev libmicrohttpd-dev
DEB_BUILD := build-essential pkg-config $(addsuffix $(ARCH_SUFFIX),$(DEB_LIBS)) \
             $(if $(CROSS_COMPILE),gcc-aarch64-linux-gnu libcmocka-dev:arm64 qemu-user-static,$(DEB_REG))
DEB_TEST  := libcmocka-dev gettext zbar-tools python3 umockdev libumockdev-dev clang-format \
             strace mtools dosfstools fdisk cppcheck shellcheck systemd \
             mosquitto mosquitto-clients postgresql chromium chromium-driver curl openssl

PKGS    := sdl2 SDL2_ttf libqrencode libcjson inih libutf8proc libpng sqlite3 libusb-1.0 \
           libsodium libsystemd espeak-ng libmicrohttpd libmosquitto
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla -Wcast-qual \
           -Wmissing-prototypes -Wconversion
DEFS    := -DKIOSK_VERSION=\"$(VERSION)\"
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# libmicrohttpd is compiled against but not linked: the board opens it when it starts its web
# server (src/queue/mhd.h says why), so a kiosk does not load GnuTLS and its company.
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(filter-out libmicrohttpd,$(PKGS)) 2>/dev/null) -lm
REG_PKGS   := libmosquitto libpq libmicrohttpd
REG_CFLAGS  = $(shell $(PKG_CONFIG) --cflags $(REG_PKGS) 2>/dev/null)
REG_LIBS    = $(shell $(PKG_CONFIG) --libs $(REG_PKGS) libsodium sqlite3 libcjson libutf8proc \
              inih 2>/dev/null) -lpthread -lm
CFLAGS_REL := -std=c11 -O2 -g $(WARN) $(DEFS) -Isrc -MMD -MP
CFLAGS_SAN := -std=c11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=all $(WARN) $(DEFS) -Isrc -MMD -MP
# Hardening as Debian builds its packages (dpkg-buildflags, hardening=+all): FORTIFY_SOURCE and
# the stack protector in the release build (native and arm64, so in the .deb), full RELRO
# with BIND_NOW at every link (harmless under ASan, whose compile flags stay its own).
# tests/check-hardening.sh checks every binary with readelf.
HARDEN      := env DEB_BUILD_MAINT_OPTIONS=hardening=+all $(if $(CROSS_COMPILE),DEB_HOST_ARCH=arm64) dpkg-buildflags --get
CFLAGS_REL  += $(shell $(HARDEN) CPPFLAGS 2>/dev/null) $(shell $(HARDEN) CFLAGS 2>/dev/null)
HARDEN_LIBS := $(shell $(HARDEN) LDFLAGS 2>/dev/null)
PKG_LIBS    += $(HARDEN_LIBS)
REG_LIBS    += $(HARDEN_LIBS)

LIB_SRC  := $(filter-out src/shell/main.c src/register/%,$(shell find src -name '*.c' | sort))
REG_SRC  := $(filter-out src/register/main.c,$(wildcard src/register/*.c))
TOOL_SRC := $(wildcard tools/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

LIB_OBJ  = $(patsubst %.c,$(1)/obj/%.o,$(LIB_SRC))
REG_OBJ  = $(patsubst %.c,$(1)/obj/%.o,$(REG_SRC))
TESTS    = $(patsubst tests/unit/%.c,$(1)/tests/%,$(TEST_SRC))
TOOLS    = $(patsubst tools/%.c,$(1)/%,$(TOOL_SRC))
FUZZERS  = $(patsubst tests/fuzz/%.c,$(1)/tests/%,$(FUZZ_SRC))

.PHONY: all deps test-deps run demo-centre test test-arm64 arm64 deb bench bench-fleet soak fuzz golden \
        format format-check lint print-deps clean
.DEFAULT_GOAL := all
# Object files are worth keeping between builds.
.SECONDARY:

all: deps $(BUILD)/kiosk $(call TOOLS,$(BUILD)) $(if $(CROSS_COMPILE),,$(BUILD)/register)

# Install what is missing (as root), or say exactly what to run.
deps:
	@$(if $(CROSS_COMPILE),tools/ensure-arch arm64)
	@tools/ensure-packages $(DEB_BUILD)
test-deps:
	@tools/ensure-packages $(DEB_BUILD) $(DEB_TEST)

# Two builds side by side: release in build/, sanitizers in build/san/.
$(BUILD)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_REL) $(PKG_CFLAGS) -c $< -o $@
$(SAN)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(CFLAGS_SAN) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/libkiosk.a: $(call LIB_OBJ,$(BUILD))
	@rm -f $@
	ar rcs $@ $^
$(SAN)/libkiosk.a: $(call LIB_OBJ,$(SAN))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/kiosk: $(BUILD)/obj/src/shell/main.o $(BUILD)/libkiosk.a
	$(CC) -o $@ $^ $(PKG_LIBS)
$(SAN)/kiosk: $(SAN)/obj/src/shell/main.o $(SAN)/libkiosk.a
	$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS)

$(BUILD)/%: $(BUILD)/obj/tools/%.o $(BUILD)/libkiosk.a
	$(CC) -o $@ $^ $(PKG_LIBS)
# The queue server under the sanitizers too: tests/check-queue.py sends it every bad request.
$(SAN)/queue-server: $(SAN)/obj/tools/queue-server.o $(SAN)/libkiosk.a
	$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS)

# The register: its own objects, the kiosk's library for signatures, sealing, the catalog
# loader and Bangla dates, and its own link line (libmosquitto, libpq, libmicrohttpd).
$(BUILD)/obj/src/register/%.o $(SAN)/obj/src/register/%.o $(BUILD)/obj/tests/register/%.o \
    $(BUILD)/obj/tests/unit/test_register.o $(SAN)/obj/tests/unit/test_register.o: \
    PKG_CFLAGS += $(REG_CFLAGS)
$(BUILD)/libregister.a: $(call REG_OBJ,$(BUILD))
	@rm -f $@
	ar rcs $@ $^
$(SAN)/libregister.a: $(call REG_OBJ,$(SAN))
	@rm -f $@
	ar rcs $@ $^
$(BUILD)/register: $(BUILD)/obj/src/register/main.o $(BUILD)/libregister.a $(BUILD)/libkiosk.a
	$(CC) -o $@ $^ $(REG_LIBS)
$(BUILD)/tests/test_register: $(BUILD)/obj/tests/unit/test_register.o $(BUILD)/libregister.a \
    $(BUILD)/libkiosk.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(REG_LIBS) -lcmocka
$(SAN)/tests/test_register: $(SAN)/obj/tests/unit/test_register.o $(SAN)/libregister.a \
    $(SAN)/libkiosk.a
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=address,undefined -o $@ $^ $(REG_LIBS) -lcmocka
$(SAN)/register: $(SAN)/obj/src/register/main.o $(SAN)/libregister.a $(SAN)/libkiosk.a
	$(CC) -fsanitize=address,undefined -o $@ $^ $(REG_LIBS)
# tests/check-register.sh signs and publishes with this (a terminal's side, simulated).
$(BUILD)/tests/register-sim: $(BUILD)/obj/tests/register/sim.o $(BUILD)/libregister.a \
    $(BUILD)/libkiosk.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(REG_LIBS)

# Tests of the USB printer path run against an emulated device (umockdev): they need its
# library, and run under umockdev-wrapper (tests/run.sh does that).
UMOCKDEV_CFLAGS = $(shell $(PKG_CONFIG) --cflags umockdev-1.0 2>/dev/null)
UMOCKDEV_LIBS   = $(shell $(PKG_CONFIG) --libs umockdev-1.0 2>/dev/null)
$(BUILD)/obj/tests/unit/test_usb%.o $(SAN)/obj/tests/unit/test_usb%.o: \
    PKG_CFLAGS += $(UMOCKDEV_CFLAGS)
$(BUILD)/tests/test_usb% $(SAN)/tests/test_usb%: PKG_LIBS += $(UMOCKDEV_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libkiosk.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(PKG_LIBS) -lcmocka
$(SAN)/tests/%: $(SAN)/obj/tests/unit/%.o $(SAN)/libkiosk.a
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS) -lcmocka

# Fuzz targets linked to a plain main() that replays their corpus and the inputs that once
# crashed them, in every test run; tools/fuzz builds the same targets with libFuzzer.
$(BUILD)/tests/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/main.o $(BUILD)/libkiosk.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(PKG_LIBS)
$(SAN)/tests/fuzz_%: $(SAN)/obj/tests/fuzz/fuzz_%.o $(SAN)/obj/tests/fuzz/main.o $(SAN)/libkiosk.a
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/no-harfbuzz.so: tests/shim/no-harfbuzz.c
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC $(WARN) -o $@ $<

# Power loss, I/O errors and a full disk under the journal (tests/fault-test.py preloads it).
$(BUILD)/tests/faultvfs.so: tests/shim/faultvfs.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -shared -fPIC $(WARN) -o $@ $< $(shell $(PKG_CONFIG) --cflags --libs sqlite3)

run: all
	$(BUILD)/kiosk --windowed --config assets/kiosk.ini --data var

# A centre on one machine: a broker, a register with its QR page, the board and two kiosks in
# windows (tools/demo-centre); Ctrl+C stops everything.
demo-centre: all
	@tools/ensure-packages mosquitto mosquitto-clients python3
	@tools/demo-centre --build $(BUILD)

# Every test, twice: the release build (goldens are made with it) and under ASan+UBSan.
test: test-deps all $(call TESTS,$(BUILD)) $(SAN)/kiosk $(SAN)/queue-server $(call TESTS,$(SAN)) \
      $(call FUZZERS,$(BUILD)) $(call FUZZERS,$(SAN)) $(BUILD)/tests/no-harfbuzz.so \
      $(BUILD)/tests/register-sim $(SAN)/register $(BUILD)/tests/faultvfs.so arm64
	@tests/run.sh $(BUILD) $(SAN) build-arm64

# The arm64 kiosk, tools and unit tests (cross-compiled; run under qemu by the tests).
ARM64_TESTS = $(patsubst tests/unit/%.c,build-arm64/tests/%,$(filter-out %test_usb_printer.c \
              %test_register.c,$(TEST_SRC)))
arm64:
	@$(MAKE) --no-print-directory CROSS_COMPILE=aarch64-linux-gnu- all $(ARM64_TESTS)

golden: all
	@UPDATE_GOLDEN=1 tests/run-e2e.sh $(BUILD) $(BUILD)

# Ten million random events on the release build (hours on a Pi, minutes here), and 25 times
# the power cuts and damaged files of make test, with every I/O error at every operation.
soak: all $(BUILD)/tests/faultvfs.so
	@tests/check-monkey.sh $(BUILD) $(BUILD) 10000000
	@python3 tests/fault-test.py $(BUILD)/kiosk $(BUILD)/tests/faultvfs.so --soak

# Coverage-guided fuzzing with clang's libFuzzer: FUZZ_SECONDS per target (see tools/fuzz).
FUZZ_SECONDS ?= 60
fuzz: all
	@tools/ensure-packages clang libclang-rt-14-dev
	@tools/fuzz $(FUZZ_SECONDS)

bench: all
	@tools/ensure-packages xvfb xauth python3
	@tools/bench $(BUILD)

# Thousands of terminals' sync engines in one process through a local Mosquitto into real
# registers on a throwaway PostgreSQL (tools/bench-fleet): end to end, to the stored row.
FLEET_TERMINALS ?= 2000
FLEET_REQUESTS ?= 50
FLEET_REGISTERS ?= 4
FLEET_RATE ?= 0
bench-fleet: all
	@tools/ensure-packages mosquitto mosquitto-clients postgresql
	@tools/bench-fleet --build $(BUILD) --terminals $(FLEET_TERMINALS) \
	    --requests $(FLEET_REQUESTS) --registers $(FLEET_REGISTERS) --rate $(FLEET_RATE)

format:
	clang-format -i $$(find src tests tools -name '*.c' -o -name '*.h')
format-check:
	@clang-format --dry-run --Werror $$(find src tests tools -name '*.c' -o -name '*.h')

# The habits, checked: cppcheck, shellcheck, gcc's static analyzer and public names' prefixes.
lint: all
	@tests/check-habits.sh $(BUILD)

# One list of Debian packages: .ci/run installs what this prints (native, then arm64 libraries).
print-deps:
	@echo $(sort build-essential pkg-config $(DEB_LIBS) $(DEB_REG) $(DEB_TEST) gcc-aarch64-linux-gnu \
	     libc6-dev-arm64-cross qemu-user-static git ca-certificates)
	@echo $(addsuffix :arm64,$(DEB_LIBS) libcmocka-dev)

# A build of its own (build/cc), so bear sees every compiler call without touching build/.
compile_commands.json: deps
	@tools/ensure-packages bear
	rm -rf build/cc
	bear --output $@ -- $(MAKE) --no-print-directory BUILD=build/cc all

# The arm64 build, tested under qemu-user: unit tests and replays against the same goldens.
test-arm64: arm64 all
	@tests/run-arm64.sh build-arm64 $(BUILD)

# Debian packages of the native and the arm64 builds.
deb: all arm64
	@tools/make-deb $(BUILD) $$(dpkg --print-architecture) $(VERSION) dist
	@tools/make-deb build-arm64 arm64 $(VERSION) dist

clean:
	rm -rf $(BUILD) build-arm64

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

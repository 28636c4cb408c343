# Sheba Kiosk - build, run and test.
#
#   make          build build/kiosk (installs missing Debian packages when run as root)
#   make run      start the kiosk in a window with the bundled catalog and ./var/
#   make test     build normally and with ASan+UBSan, run every test, print a summary
#   make bench    print speed and memory figures
#   make golden   re-create the golden screenshots after an intended change of the UI
#   make format   clang-format every C file

CC      ?= cc
BUILD   ?= build
SAN     := $(BUILD)/san
VERSION := 0.1.0

# Debian packages: what building needs, and what the tests need on top.
DEB_BUILD := build-essential pkg-config libsdl2-dev libsdl2-ttf-dev libqrencode-dev \
             libcjson-dev libinih-dev libutf8proc-dev libpng-dev libsqlite3-dev libusb-1.0-0-dev \
             libsodium-dev libsystemd-dev
DEB_TEST  := libcmocka-dev gettext zbar-tools python3 umockdev libumockdev-dev clang-format \
             strace

PKGS    := sdl2 SDL2_ttf libqrencode libcjson inih libutf8proc libpng sqlite3 libusb-1.0 \
           libsodium libsystemd
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla
DEFS    := -DKIOSK_VERSION=\"$(VERSION)\"
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
CFLAGS_REL := -std=c11 -O2 -g $(WARN) $(DEFS) -Isrc -MMD -MP
CFLAGS_SAN := -std=c11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=all $(WARN) $(DEFS) -Isrc -MMD -MP

LIB_SRC  := $(filter-out src/app/main.c,$(shell find src -name '*.c' | sort))
TOOL_SRC := $(wildcard tools/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)

LIB_OBJ  = $(patsubst %.c,$(1)/obj/%.o,$(LIB_SRC))
TESTS    = $(patsubst tests/unit/%.c,$(1)/tests/%,$(TEST_SRC))
TOOLS    = $(patsubst tools/%.c,$(1)/%,$(TOOL_SRC))

.PHONY: all deps test-deps run test bench soak fuzz golden format format-check clean
.DEFAULT_GOAL := all
# Object files are worth keeping between builds.
.SECONDARY:

all: deps $(BUILD)/kiosk $(call TOOLS,$(BUILD))

# Install what is missing (as root), or say exactly what to run.
deps:
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

$(BUILD)/kiosk: $(BUILD)/obj/src/app/main.o $(BUILD)/libkiosk.a
	$(CC) -o $@ $^ $(PKG_LIBS)
$(SAN)/kiosk: $(SAN)/obj/src/app/main.o $(SAN)/libkiosk.a
	$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS)

$(BUILD)/%: $(BUILD)/obj/tools/%.o $(BUILD)/libkiosk.a
	$(CC) -o $@ $^ $(PKG_LIBS)

# Tests of the USB printer path run against an emulated device (umockdev): they need its
# library, and run under umockdev-wrapper (tests/run.sh does that).
UMOCKDEV_CFLAGS = $(shell pkg-config --cflags umockdev-1.0 2>/dev/null)
UMOCKDEV_LIBS   = $(shell pkg-config --libs umockdev-1.0 2>/dev/null)
$(BUILD)/obj/tests/unit/test_usb%.o $(SAN)/obj/tests/unit/test_usb%.o: \
    PKG_CFLAGS += $(UMOCKDEV_CFLAGS)
$(BUILD)/tests/test_usb% $(SAN)/tests/test_usb%: PKG_LIBS += $(UMOCKDEV_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libkiosk.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(PKG_LIBS) -lcmocka
$(SAN)/tests/%: $(SAN)/obj/tests/unit/%.o $(SAN)/libkiosk.a
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS) -lcmocka

$(BUILD)/tests/no-harfbuzz.so: tests/shim/no-harfbuzz.c
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC $(WARN) -o $@ $<

run: all
	$(BUILD)/kiosk --windowed --config assets/kiosk.ini --data var

# Every test, twice: the release build (goldens are made with it) and under ASan+UBSan.
test: test-deps all $(call TESTS,$(BUILD)) $(SAN)/kiosk $(call TESTS,$(SAN)) \
      $(BUILD)/tests/no-harfbuzz.so
	@tests/run.sh $(BUILD) $(SAN)

golden: all
	@UPDATE_GOLDEN=1 tests/run-e2e.sh $(BUILD) $(BUILD)

# Ten million random events on the release build (hours on a Pi, minutes here).
soak: all
	@tests/check-monkey.sh $(BUILD) $(BUILD) 10000000

bench: all
	@tools/ensure-packages xvfb xauth python3
	@tools/bench $(BUILD)

format:
	clang-format -i $$(find src tests tools -name '*.c' -o -name '*.h')
format-check:
	@clang-format --dry-run --Werror $$(find src tests tools -name '*.c' -o -name '*.h')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

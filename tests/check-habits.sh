#!/usr/bin/env bash
# The habits of the codebase, checked so they cannot rot: clang-format, cppcheck, shellcheck
# on every shell script, gcc's static analyzer on every source file, and every public name
# carrying its module's prefix. Prints PASS/FAIL lines.
# Usage: tests/check-habits.sh BUILD_DIR (the release build, for the names check)
set -u
cd "$(dirname "$0")/.." || exit 1
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

verdict() { # verdict NAME FILE: PASS when FILE is empty, else FAIL with its first lines
    if [ -s "$2" ]; then
        echo "FAIL habits/$1: $(head -5 "$2" | tr '\n' ' ')"
    else
        echo "PASS habits/$1"
    fi
}

mapfile -t c_files < <(find src tests tools -name '*.c' -o -name '*.h' | sort)
clang-format --dry-run --Werror "${c_files[@]}" >"$tmp/format" 2>&1
verdict clang-format "$tmp/format"

cppcheck --enable=warning,performance,portability --error-exitcode=1 --inline-suppr -q \
    --std=c11 -Isrc -D__GNUC__ src tools/*.c >"$tmp/cppcheck" 2>&1
verdict cppcheck "$tmp/cppcheck"

# Shell scripts are found by their first line, wherever they are.
mapfile -t scripts < <(grep -rlE '^#!.*\b(ba)?sh\b' tests tools board .ci 2>/dev/null | sort)
shellcheck -S warning "${scripts[@]}" >"$tmp/shellcheck" 2>&1
verdict "shellcheck (${#scripts[@]} scripts)" "$tmp/shellcheck"

# gcc -fanalyzer finds use after free, double free and NULL dereferences on paths the tests
# may not take. Its leak check is left to LeakSanitizer (every test runs under it): GCC 12's
# loses track of memory stored into a caller's array (the text cache's entries) and reports
# leaks that are not there.
cflags=$(pkg-config --cflags sdl2 SDL2_ttf libqrencode libcjson inih libutf8proc libpng sqlite3 \
    libusb-1.0 libsodium libsystemd 2>/dev/null)
: >"$tmp/analyzer"
while IFS= read -r f; do
    # shellcheck disable=SC2086 # cflags is a list of flags
    gcc -std=c11 -O1 -fanalyzer -Wno-analyzer-malloc-leak -Isrc $cflags -c "$f" -o /dev/null \
        2>>"$tmp/analyzer"
done < <(find src -name '*.c' | sort)
verdict gcc-fanalyzer "$tmp/analyzer"

# Public names: the folder's prefix (app_), the file's (chrome_), either without a plural s
# (screen_, widget_), or for a file named module_part.c its module's (journal_ in
# journal_export.c). Only objects of sources that exist are read.
: >"$tmp/names"
while IFS= read -r src; do
    obj="$build/obj/${src%.c}.o"
    [ -f "$obj" ] || { echo "$src: not built ($obj)" >>"$tmp/names"; continue; }
    dir=$(basename "$(dirname "$src")")
    file=$(basename "$src" .c)
    while read -r _ _ sym; do
        ok=0
        for p in "$dir" "${dir%s}" "$file" "${file%s}" "${file%%_*}"; do
            case "$sym" in "${p}_"*) ok=1 ;; esac
        done
        [ "$sym" = main ] && ok=1
        [ $ok = 1 ] || echo "$src: $sym" >>"$tmp/names"
    done < <(nm --defined-only -g "$obj")
done < <(find src -name '*.c' | sort)
verdict "public names carry their module's prefix" "$tmp/names"

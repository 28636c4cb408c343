#!/usr/bin/env bash
# Translation completeness with gettext's own tools: the msgids the code uses (xgettext over
# app_tr(), i18n_get() and N_()) must all be in bn.po and en.po, each PO file must hold no
# msgid the code does not use, and both must pass msgfmt --check.
# Prints PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mapfile -t sources < <(find src -name '*.c' | sort)
xgettext --language=C --from-code=UTF-8 --keyword= --keyword=app_tr:2 --keyword=i18n_get:3 \
    --keyword=N_ --omit-header -o "$tmp/kiosk.pot" "${sources[@]}" 2>"$tmp/err"
if [ ! -s "$tmp/kiosk.pot" ]; then
    echo "FAIL i18n/xgettext: no msgids extracted: $(cat "$tmp/err")"
    exit 0
fi
count=$(grep -c '^msgid "[^"]' "$tmp/kiosk.pot")
[ "$count" -ge 40 ] && echo "PASS i18n/xgettext: $count msgids used by the code" ||
    echo "FAIL i18n/xgettext: only $count msgids found; the extraction keywords are wrong"
for lang in bn en; do
    po="assets/i18n/$lang.po"
    if msgfmt --check --check-format -o /dev/null "$po" 2>"$tmp/msgfmt"; then
        echo "PASS i18n/$lang: msgfmt --check"
    else
        echo "FAIL i18n/$lang: msgfmt --check: $(head -3 "$tmp/msgfmt" | tr '\n' ' ')"
    fi
    # Every msgid used by the code is in the PO file...
    if msgcmp "$po" "$tmp/kiosk.pot" 2>"$tmp/cmp"; then
        echo "PASS i18n/$lang: every msgid the code uses is translated"
    else
        echo "FAIL i18n/$lang: $(grep -v '^msgcmp' "$tmp/cmp" | head -5 | tr '\n' ' ')"
    fi
    # ...none is left untranslated or fuzzy...
    untranslated=$(msgattrib --untranslated --only-fuzzy "$po" 2>/dev/null | grep -c '^msgid "[^"]')
    untranslated2=$(msgattrib --untranslated "$po" 2>/dev/null | grep -c '^msgid "[^"]')
    if [ "$untranslated" -eq 0 ] && [ "$untranslated2" -eq 0 ]; then
        echo "PASS i18n/$lang: no empty or fuzzy translation"
    else
        echo "FAIL i18n/$lang: $untranslated2 untranslated and $untranslated fuzzy strings"
    fi
    # ...and the file holds nothing the code no longer uses.
    ids() { msgcat --no-wrap "$1" | sed -n 's/^msgid "\(..*\)"$/\1/p' | sort -u; }
    unused=$(comm -23 <(ids "$po") <(ids "$tmp/kiosk.pot") | tr '\n' ' ')
    if [ -z "$unused" ]; then
        echo "PASS i18n/$lang: no msgid that the code does not use"
    else
        echo "FAIL i18n/$lang: msgids in $po that the code does not use: $unused"
    fi
done

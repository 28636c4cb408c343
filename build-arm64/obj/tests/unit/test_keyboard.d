build-arm64/obj/tests/unit/test_keyboard.o: tests/unit/test_keyboard.c \
 src/ui/keyboard.h src/text/lang.h src/ui/ui.h src/text/layout.h \
 src/text/shape.h src/text/fonts.h src/text/unicode.h src/text/utf8.h \
 src/ui/textcache.h
src/ui/keyboard.h:
src/text/lang.h:
src/ui/ui.h:
src/text/layout.h:
src/text/shape.h:
src/text/fonts.h:
src/text/unicode.h:
src/text/utf8.h:
src/ui/textcache.h:

build-arm64/obj/tests/unit/test_locale.o: tests/unit/test_locale.c \
 src/text/locale.h src/text/lang.h
src/text/locale.h:
src/text/lang.h:

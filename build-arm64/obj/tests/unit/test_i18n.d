build-arm64/obj/tests/unit/test_i18n.o: tests/unit/test_i18n.c \
 src/text/i18n.h src/text/lang.h src/text/utf8.h
src/text/i18n.h:
src/text/lang.h:
src/text/utf8.h:

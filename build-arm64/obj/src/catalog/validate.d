build-arm64/obj/src/catalog/validate.o: src/catalog/validate.c \
 src/catalog/validate.h src/catalog/catalog.h src/text/lang.h \
 src/text/locale.h src/text/i18n.h src/text/unicode.h src/text/utf8.h
src/catalog/validate.h:
src/catalog/catalog.h:
src/text/lang.h:
src/text/locale.h:
src/text/i18n.h:
src/text/unicode.h:
src/text/utf8.h:

build-arm64/obj/src/catalog/catalog.o: src/catalog/catalog.c \
 src/catalog/catalog.h src/text/lang.h src/text/unicode.h src/text/utf8.h
src/catalog/catalog.h:
src/text/lang.h:
src/text/unicode.h:
src/text/utf8.h:

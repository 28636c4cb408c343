build-arm64/obj/src/text/unicode.o: src/text/unicode.c src/text/unicode.h \
 src/text/utf8.h
src/text/unicode.h:
src/text/utf8.h:

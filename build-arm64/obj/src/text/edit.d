build-arm64/obj/src/text/edit.o: src/text/edit.c src/text/edit.h \
 src/text/unicode.h src/text/utf8.h
src/text/edit.h:
src/text/unicode.h:
src/text/utf8.h:

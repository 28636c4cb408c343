build-arm64/obj/src/app/config.o: src/app/config.c src/app/config.h \
 src/text/lang.h src/text/unicode.h src/text/utf8.h
src/app/config.h:
src/text/lang.h:
src/text/unicode.h:
src/text/utf8.h:

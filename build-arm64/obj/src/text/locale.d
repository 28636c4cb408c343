build-arm64/obj/src/text/locale.o: src/text/locale.c src/text/locale.h \
 src/text/lang.h
src/text/locale.h:
src/text/lang.h:

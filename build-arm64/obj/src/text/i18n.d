build-arm64/obj/src/text/i18n.o: src/text/i18n.c src/text/i18n.h \
 src/text/lang.h src/text/utf8.h
src/text/i18n.h:
src/text/lang.h:
src/text/utf8.h:

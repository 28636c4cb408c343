build-arm64/obj/src/store/export.o: src/store/export.c src/store/export.h \
 src/store/journal.h src/text/lang.h src/store/journal_private.h \
 src/text/locale.h src/text/utf8.h
src/store/export.h:
src/store/journal.h:
src/text/lang.h:
src/store/journal_private.h:
src/text/locale.h:
src/text/utf8.h:

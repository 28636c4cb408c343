build-arm64/obj/src/store/journal.o: src/store/journal.c \
 src/store/journal.h src/text/lang.h src/store/journal_private.h \
 src/text/locale.h
src/store/journal.h:
src/text/lang.h:
src/store/journal_private.h:
src/text/locale.h:

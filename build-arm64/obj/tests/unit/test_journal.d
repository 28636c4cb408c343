build-arm64/obj/tests/unit/test_journal.o: tests/unit/test_journal.c \
 src/store/journal.h src/text/lang.h
src/store/journal.h:
src/text/lang.h:

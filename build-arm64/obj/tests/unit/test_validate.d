build-arm64/obj/tests/unit/test_validate.o: tests/unit/test_validate.c \
 src/catalog/validate.h src/catalog/catalog.h src/text/lang.h \
 src/text/locale.h
src/catalog/validate.h:
src/catalog/catalog.h:
src/text/lang.h:
src/text/locale.h:

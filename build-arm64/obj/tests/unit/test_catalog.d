build-arm64/obj/tests/unit/test_catalog.o: tests/unit/test_catalog.c \
 src/catalog/catalog.h src/text/lang.h
src/catalog/catalog.h:
src/text/lang.h:

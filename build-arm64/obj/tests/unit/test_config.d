build-arm64/obj/tests/unit/test_config.o: tests/unit/test_config.c \
 src/app/config.h src/text/lang.h
src/app/config.h:
src/text/lang.h:

build-arm64/obj/tests/unit/test_touch.o: tests/unit/test_touch.c \
 src/platform/touch.h
src/platform/touch.h:

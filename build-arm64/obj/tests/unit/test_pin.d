build-arm64/obj/tests/unit/test_pin.o: tests/unit/test_pin.c \
 src/store/pin.h
src/store/pin.h:

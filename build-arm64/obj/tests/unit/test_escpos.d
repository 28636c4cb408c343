build-arm64/obj/tests/unit/test_escpos.o: tests/unit/test_escpos.c \
 src/escpos/decode.h src/escpos/bitmap.h src/escpos/escpos.h \
 src/platform/image.h
src/escpos/decode.h:
src/escpos/bitmap.h:
src/escpos/escpos.h:
src/platform/image.h:

build-arm64/obj/src/escpos/decode.o: src/escpos/decode.c \
 src/escpos/decode.h src/escpos/bitmap.h
src/escpos/decode.h:
src/escpos/bitmap.h:

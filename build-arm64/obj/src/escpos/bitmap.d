build-arm64/obj/src/escpos/bitmap.o: src/escpos/bitmap.c \
 src/escpos/bitmap.h
src/escpos/bitmap.h:

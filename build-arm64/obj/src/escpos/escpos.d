build-arm64/obj/src/escpos/escpos.o: src/escpos/escpos.c \
 src/escpos/escpos.h src/escpos/bitmap.h
src/escpos/escpos.h:
src/escpos/bitmap.h:

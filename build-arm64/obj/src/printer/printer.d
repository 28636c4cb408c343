build-arm64/obj/src/printer/printer.o: src/printer/printer.c \
 src/printer/printer.h src/escpos/escpos.h src/escpos/bitmap.h
src/printer/printer.h:
src/escpos/escpos.h:
src/escpos/bitmap.h:

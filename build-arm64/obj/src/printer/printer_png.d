build-arm64/obj/src/printer/printer_png.o: src/printer/printer_png.c \
 src/escpos/decode.h src/escpos/bitmap.h src/platform/image.h \
 src/printer/printer.h src/escpos/escpos.h
src/escpos/decode.h:
src/escpos/bitmap.h:
src/platform/image.h:
src/printer/printer.h:
src/escpos/escpos.h:

build-arm64/obj/src/printer/printer_fd.o: src/printer/printer_fd.c \
 src/printer/printer.h src/escpos/escpos.h src/escpos/bitmap.h
src/printer/printer.h:
src/escpos/escpos.h:
src/escpos/bitmap.h:

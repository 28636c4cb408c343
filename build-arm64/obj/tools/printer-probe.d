build-arm64/obj/tools/printer-probe.o: tools/printer-probe.c \
 src/printer/printer.h src/escpos/escpos.h src/escpos/bitmap.h \
 src/printer/usb.h
src/printer/printer.h:
src/escpos/escpos.h:
src/escpos/bitmap.h:
src/printer/usb.h:

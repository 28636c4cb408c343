build-arm64/obj/src/printer/printer_usb.o: src/printer/printer_usb.c \
 /usr/include/libusb-1.0/libusb.h src/printer/printer.h \
 src/escpos/escpos.h src/escpos/bitmap.h src/printer/usb.h
/usr/include/libusb-1.0/libusb.h:
src/printer/printer.h:
src/escpos/escpos.h:
src/escpos/bitmap.h:
src/printer/usb.h:

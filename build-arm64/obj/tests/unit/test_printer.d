build-arm64/obj/tests/unit/test_printer.o: tests/unit/test_printer.c \
 src/escpos/decode.h src/escpos/bitmap.h src/escpos/escpos.h \
 src/platform/image.h src/printer/printer.h src/receipt/receipt.h \
 src/text/fonts.h src/text/layout.h src/text/shape.h
src/escpos/decode.h:
src/escpos/bitmap.h:
src/escpos/escpos.h:
src/platform/image.h:
src/printer/printer.h:
src/receipt/receipt.h:
src/text/fonts.h:
src/text/layout.h:
src/text/shape.h:

build-arm64/obj/tools/receipt-render.o: tools/receipt-render.c \
 src/escpos/decode.h src/escpos/bitmap.h src/platform/image.h
src/escpos/decode.h:
src/escpos/bitmap.h:
src/platform/image.h:

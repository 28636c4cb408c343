build-arm64/obj/src/app/printjob.o: src/app/printjob.c src/app/printjob.h \
 src/printer/printer.h src/escpos/escpos.h src/escpos/bitmap.h
src/app/printjob.h:
src/printer/printer.h:
src/escpos/escpos.h:
src/escpos/bitmap.h:

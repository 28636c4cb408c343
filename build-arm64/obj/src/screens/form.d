build-arm64/obj/src/screens/form.o: src/screens/form.c \
 src/screens/screens.h src/app/app.h src/app/config.h src/text/lang.h \
 src/app/printjob.h src/printer/printer.h src/escpos/escpos.h \
 src/escpos/bitmap.h src/store/journal.h src/store/signing.h \
 src/catalog/catalog.h src/catalog/validate.h src/text/locale.h \
 src/text/edit.h src/text/i18n.h src/ui/keyboard.h src/ui/ui.h \
 src/text/layout.h src/text/shape.h src/text/fonts.h src/ui/widgets.h
src/screens/screens.h:
src/app/app.h:
src/app/config.h:
src/text/lang.h:
src/app/printjob.h:
src/printer/printer.h:
src/escpos/escpos.h:
src/escpos/bitmap.h:
src/store/journal.h:
src/store/signing.h:
src/catalog/catalog.h:
src/catalog/validate.h:
src/text/locale.h:
src/text/edit.h:
src/text/i18n.h:
src/ui/keyboard.h:
src/ui/ui.h:
src/text/layout.h:
src/text/shape.h:
src/text/fonts.h:
src/ui/widgets.h:

build-arm64/obj/src/ui/keyboard.o: src/ui/keyboard.c src/ui/keyboard.h \
 src/text/lang.h src/ui/ui.h src/text/layout.h src/text/shape.h \
 src/text/fonts.h src/text/utf8.h src/ui/widgets.h
src/ui/keyboard.h:
src/text/lang.h:
src/ui/ui.h:
src/text/layout.h:
src/text/shape.h:
src/text/fonts.h:
src/text/utf8.h:
src/ui/widgets.h:

build-arm64/obj/src/ui/widgets.o: src/ui/widgets.c src/ui/widgets.h \
 src/ui/ui.h src/text/layout.h src/text/shape.h src/text/fonts.h
src/ui/widgets.h:
src/ui/ui.h:
src/text/layout.h:
src/text/shape.h:
src/text/fonts.h:

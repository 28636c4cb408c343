build-arm64/obj/src/ui/ui.o: src/ui/ui.c src/ui/ui.h src/text/layout.h \
 src/text/shape.h src/text/fonts.h src/ui/textcache.h
src/ui/ui.h:
src/text/layout.h:
src/text/shape.h:
src/text/fonts.h:
src/ui/textcache.h:

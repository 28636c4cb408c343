build-arm64/obj/src/platform/image.o: src/platform/image.c \
 src/platform/image.h /usr/include/libpng16/png.h \
 /usr/include/libpng16/pnglibconf.h /usr/include/libpng16/pngconf.h
src/platform/image.h:
/usr/include/libpng16/png.h:
/usr/include/libpng16/pnglibconf.h:
/usr/include/libpng16/pngconf.h:

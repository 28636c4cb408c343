build-arm64/obj/src/platform/touch.o: src/platform/touch.c \
 src/platform/touch.h
src/platform/touch.h:

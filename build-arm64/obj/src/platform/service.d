build-arm64/obj/src/platform/service.o: src/platform/service.c \
 src/platform/service.h
src/platform/service.h:

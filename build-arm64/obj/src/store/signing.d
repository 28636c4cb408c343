build-arm64/obj/src/store/signing.o: src/store/signing.c \
 src/store/signing.h
src/store/signing.h:

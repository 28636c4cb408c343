build-arm64/obj/tools/verify-receipt.o: tools/verify-receipt.c \
 src/store/signing.h
src/store/signing.h:

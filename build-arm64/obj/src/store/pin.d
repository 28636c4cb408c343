build-arm64/obj/src/store/pin.o: src/store/pin.c src/store/pin.h
src/store/pin.h:

build-arm64/obj/src/text/lang.o: src/text/lang.c src/text/lang.h
src/text/lang.h:

build-arm64/obj/src/text/utf8.o: src/text/utf8.c src/text/utf8.h
src/text/utf8.h:

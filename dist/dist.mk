# dist.mk - the shared library, installation and pkg-config (included by the Makefile).
#   make             also builds $(BUILD)/libweft.so -> libweft.so.$(VERSION) (soname
#                    libweft.so.$(SOMAJOR)), from position-independent objects in $(BUILD)/pic
#   make install     the command, both libraries, the headers (in $(INCLUDEDIR)/weft, since
#                    wasm.h is also the name of other runtimes' header), weft.pc and weft(1);
#                    PREFIX (default /usr/local) and DESTDIR (a staging root) as usual
#   make uninstall   removes exactly what install puts there

VERSION := $(shell sed -n 's/.*define WEFT_VERSION "\(.*\)".*/\1/p' include/weft.h)
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))
SONAME  := libweft.so.$(SOMAJOR)
PIC_OBJ := $(LIB_SRC:%.c=$(BUILD)/pic/%.o)

PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
MANDIR       ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
HEADERS      := include/weft.h include/wasm.h include/weft_wasm.h

.PHONY: install uninstall

# A separate object set: libweft.a keeps the plain objects the command and the tests use,
# and only the shared library pays for -fPIC (with hidden visibility, on x86-64 it costs
# about nothing, but the static library should not have to find that out).
$(BUILD)/pic/%.o: %.c $(wildcard include/*.h src/*/*.h) dist/export.h Makefile dist/dist.mk
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fPIC -fvisibility=hidden -include dist/export.h -c $< -o $@

$(BUILD)/pic/src/native/nat_cgen.o: $(BUILD)/gen/nat_prelude_text.h

$(BUILD)/libweft.so.$(VERSION): $(PIC_OBJ) dist/libweft.map
	$(CC) $(CFLAGS_ALL) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=dist/libweft.map \
	    -o $@ $(PIC_OBJ) $(LDLIBS_ALL)

$(BUILD)/libweft.so: $(BUILD)/libweft.so.$(VERSION)
	ln -sf libweft.so.$(VERSION) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/weft \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(BUILD)/weft $(DESTDIR)$(BINDIR)/weft
	install -m 644 $(BUILD)/libweft.a $(DESTDIR)$(LIBDIR)/libweft.a
	install -m 755 $(BUILD)/libweft.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libweft.so.$(VERSION)
	ln -sf libweft.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libweft.so
	install -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/weft/
	install -m 644 doc/weft.1 $(DESTDIR)$(MANDIR)/man1/weft.1
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    dist/weft.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/weft.pc
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then \
	    ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/weft $(DESTDIR)$(LIBDIR)/libweft.a \
	    $(DESTDIR)$(LIBDIR)/libweft.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libweft.so $(DESTDIR)$(MANDIR)/man1/weft.1 \
	    $(DESTDIR)$(PKGCONFIGDIR)/weft.pc \
	    $(HEADERS:include/%=$(DESTDIR)$(INCLUDEDIR)/weft/%)
	rmdir $(DESTDIR)$(INCLUDEDIR)/weft 2>/dev/null || true

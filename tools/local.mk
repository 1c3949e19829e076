## tools: phimilterctl and its self-registering subcommands
## (add yours with phimilterctl_SOURCES += tools/ctl_<name>.cc).
sbin_PROGRAMS += phimilterctl
phimilterctl_SOURCES = tools/command.h tools/phimilterctl.cc
phimilterctl_SOURCES += tools/ctl_audit.cc
phimilterctl_SOURCES += tools/ctl_escrow.cc
dist_man_MANS += man/phimilterctl-escrow.8
phimilterctl_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
dist_man_MANS += man/phimilterctl.8
dist_man_MANS += man/phimilterctl-audit.8

## phimilter-heif: a HEIF or AVIF image as a PGM, run by the OCR reader
## (milter/ocr.h) before tesseract. It exports de265_start_worker_threads so
## that libheif's call resolves to its own (see the file's header). Built
## without the sanitizers even in check-sanitizers: it runs under the
## sandbox's address-space limit (OcrMemoryLimit), which ASan's shadow
## memory cannot start under.
pkglibexec_PROGRAMS = phimilter-heif
phimilter_heif_SOURCES = tools/phimilter_heif.cc
phimilter_heif_CXXFLAGS = $(WARN_FLAGS) $(HEIF_CFLAGS)
phimilter_heif_LDFLAGS = -Wl,--export-dynamic-symbol=de265_start_worker_threads
phimilter_heif_LDADD = $(HEIF_LIBS)

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

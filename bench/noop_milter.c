/* noop_milter - the baseline for bench/e2e: a libmilter filter that does
 * nothing but answer every callback with SMFIS_CONTINUE, so that the
 * milter protocol's own cost can be measured against phimilter's.
 * Usage: noop_milter SOCKET   (e.g. unix:/tmp/noop.sock or inet:9999@127.0.0.1) */
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <stdlib.h>

static sfsistat cont_connect(SMFICTX *c, char *h, _SOCK_ADDR *a) { (void)c; (void)h; (void)a; return SMFIS_CONTINUE; }
static sfsistat cont_argv(SMFICTX *c, char **v) { (void)c; (void)v; return SMFIS_CONTINUE; }
static sfsistat cont_str(SMFICTX *c, char *s) { (void)c; (void)s; return SMFIS_CONTINUE; }
static sfsistat cont_hdr(SMFICTX *c, char *n, char *v) { (void)c; (void)n; (void)v; return SMFIS_CONTINUE; }
static sfsistat cont_ctx(SMFICTX *c) { (void)c; return SMFIS_CONTINUE; }
static sfsistat cont_body(SMFICTX *c, unsigned char *b, size_t n) { (void)c; (void)b; (void)n; return SMFIS_CONTINUE; }

int main(int argc, char **argv) {
  struct smfiDesc d = {"noop", SMFI_VERSION, SMFIF_ADDHDRS, cont_connect, cont_str, cont_argv, cont_argv,
                       cont_hdr, cont_ctx, cont_body, cont_ctx, cont_ctx, cont_ctx, NULL, NULL, NULL};
  if (argc != 2) {
    fprintf(stderr, "usage: noop_milter SOCKET\n");
    return 2;
  }
  if (smfi_register(d) != MI_SUCCESS || smfi_setconn(argv[1]) != MI_SUCCESS || smfi_opensocket(1) != MI_SUCCESS) {
    fprintf(stderr, "noop_milter: cannot set up %s\n", argv[1]);
    return 1;
  }
  return smfi_main() == MI_SUCCESS ? 0 : 1;
}

/*
** marshal_sanitize.c: the lazy ctx (marshal.c) under ASan/UBSan, from C alone.
**
** Builds argument buffers by hand in the format of lua_shim.h, calls a policy through
** halo_invoke_with_state, and walks every path of a lazy read-only table: decoded on first
** read, iterated, measured, returned whole while still undecoded (emitted from its blob),
** kept past its call and read after its state's registry slot is gone, and malformed buffers
** (a table size running past the end, a truncated header), which must fail the call cleanly.
** Run by `make sanitize` with the amount checks; returns the number of failures.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lua_shim.h"

typedef struct buf { uint8_t data[4096]; size_t n; } buf;

static void put(buf *b, const void *p, size_t n) { memcpy(b->data + b->n, p, n); b->n += n; }
static void tag(buf *b, int t) { uint8_t v = (uint8_t)t; put(b, &v, 1); }
static void u32(buf *b, uint32_t v) { put(b, &v, 4); }
static void str(buf *b, const char *s) { tag(b, HALO_TAG_STR); u32(b, (uint32_t)strlen(s)); put(b, s, strlen(s)); }
static void integer(buf *b, int64_t v) { tag(b, HALO_TAG_INT); put(b, &v, 8); }

/* Opens a table; returns where its header starts (for close). */
static size_t open_table(buf *b, uint32_t narr, uint32_t nrec, uint8_t flags) {
  size_t at = b->n;
  tag(b, HALO_TAG_TABLE); u32(b, narr); u32(b, nrec);
  tag(b, flags); u32(b, 0);
  return at;
}

static void close_table(buf *b, size_t at) {
  uint32_t size;
  tag(b, HALO_TAG_END);
  size = (uint32_t)(b->n - at - HALO_TABLE_HEADER);
  memcpy(b->data + at + 10, &size, 4);
}

/* state {seen = n}, then ctx {unit, params{x,y,z}, list{10,20,30}, nested{a{b="deep"}}, state = REF}. */
static void build(buf *b, int64_t seen) {
  size_t state, ctx, t, a;
  b->n = 0;
  state = open_table(b, 0, 1, 0);
  if (seen >= 0) { str(b, "seen"); integer(b, seen); }
  close_table(b, state);
  ctx = open_table(b, 0, 5, HALO_TABLE_FROZEN | HALO_TABLE_HAS_REF);
  str(b, "unit"); str(b, "tbill-a");
  str(b, "params");
  t = open_table(b, 0, 3, HALO_TABLE_FROZEN);
  str(b, "x"); str(b, "0.01"); str(b, "y"); integer(b, 2); str(b, "z"); str(b, "36h");
  close_table(b, t);
  str(b, "list");
  t = open_table(b, 3, 0, HALO_TABLE_FROZEN);
  for (int i = 1; i <= 3; i++) { integer(b, i); integer(b, 10 * i); }
  close_table(b, t);
  str(b, "nested");
  t = open_table(b, 0, 1, HALO_TABLE_FROZEN);
  str(b, "a");
  a = open_table(b, 0, 1, HALO_TABLE_FROZEN);
  str(b, "b"); str(b, "deep");
  close_table(b, a);
  close_table(b, t);
  str(b, "state"); tag(b, HALO_TAG_REF); u32(b, (uint32_t)HALO_REF_CALL_STATE);
  close_table(b, ctx);
}

static const char *policy =
  "local kept\n"
  "return {\n"
  "  read = function(ctx)\n"
  "    local n = 0\n"
  "    for _ in pairs(ctx.params) do n = n + 1 end\n"
  "    kept = ctx\n"
  "    ctx.state.seen = (ctx.state.seen or 0) + 1\n"
  "    return ctx.unit, n, #ctx.list, ctx.list[2], ctx.nested.a.b, ctx.nested\n"
  "  end,\n"
  "  whole = function(ctx) return ctx end,\n"
  "  later = function(ctx) return kept.params.x, kept.state.seen, next(kept.list) end,\n"
  "  write = function(ctx) ctx.params.x = 1 end,\n"
  "}\n";

static int failures;

static void expect(int ok, const char *what, halo_state *st) {
  if (ok) return;
  failures++;
  fprintf(stderr, "marshal sanitize: FAIL %s (%s)\n", what, halo_error_message(st));
}

int marshal_checks(void) {
  halo_state *st = halo_open(NULL, NULL, 7);
  int32_t reference, environment, count;
  size_t state_length, length;
  buf b;
  if (st == NULL) { fprintf(stderr, "cannot open a sandbox\n"); return 1; }
  halo_set_limits(st, 10000000, 16 << 20, 60000);
  expect(halo_load(st, policy, strlen(policy), "lazy.lua", &reference, &environment) == HALO_OK, "load", st);

  build(&b, 4);
  expect(halo_invoke_with_state(st, reference, environment, "read", b.data, b.n, &count, &state_length) == HALO_OK,
         "read", st);
  expect(count == 6 && state_length > 0 && halo_output(st, &length) != NULL && length > state_length, "read results", st);

  build(&b, -1);
  expect(halo_invoke_with_state(st, reference, environment, "whole", b.data, b.n, &count, &state_length) == HALO_OK,
         "whole", st);
  expect(count == 1 && halo_output(st, &length)[state_length] == HALO_TAG_TABLE, "whole is a table", st);

  for (int i = 0; i < 3; i++) {  /* the kept ctx of "read", read after other calls and collections */
    build(&b, 100 + i);
    expect(halo_invoke_with_state(st, reference, environment, "later", b.data, b.n, &count, &state_length) == HALO_OK,
           "later", st);
    expect(count == 4, "later results", st);
  }

  build(&b, -1);
  expect(halo_invoke_with_state(st, reference, environment, "write", b.data, b.n, &count, &state_length) == HALO_ERR_FORBIDDEN,
         "a write is refused", st);

  build(&b, -1);  /* the ctx's size runs past the end of the buffer */
  memset(b.data + b.n - 1, 0xff, 1);
  {
    uint32_t huge = 1u << 30;
    size_t ctx_at = 1 + 4 + 4 + 1 + 4 + 1;  /* after the empty state table */
    memcpy(b.data + ctx_at + 10, &huge, 4);
  }
  expect(halo_invoke_with_state(st, reference, environment, "whole", b.data, b.n, &count, &state_length) != HALO_OK,
         "a malformed buffer fails the call", st);
  build(&b, -1);
  expect(halo_invoke_with_state(st, reference, environment, "whole", b.data, 20, &count, &state_length) != HALO_OK,
         "a truncated buffer fails the call", st);

  halo_close(st);
  printf("marshal sanitize: lazy ctx checks, %d failures\n", failures);
  return failures;
}

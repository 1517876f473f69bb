/*
** slab_sanitize.c: the limiting allocator (budget.c, halo_alloc) driven from C alone.
**
** Allocates, grows, shrinks and frees blocks across every kind of move the small-block free
** lists make (within a size class, between classes, from a small block to a malloc'd one and
** back, and large to large), filling each block and checking its bytes survive every move,
** and checks the memory accounting returns to where it started. `make sanitize` runs it twice:
** with the lists as the runtime has them (on; ASan then sees out-of-bounds writes against the
** class-sized block) and with HALO_SLAB_ON=0. Leaks of kept blocks show at exit (detect_leaks).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "shim.h"

static int slab_failures;

static void fill(unsigned char *p, size_t n, unsigned char seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 7);
}

static int intact(const unsigned char *p, size_t n, unsigned char seed) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (unsigned char)(seed + i * 7)) return 0;
  return 1;
}

int slab_checks(void) {
  halo_state *st = halo_open(NULL, NULL, 3);
  size_t before = st->used;
  /* size pairs: same class, next class, small -> large, large -> small, large -> large, shrink */
  static const size_t moves[][2] = {
    {1, 16}, {17, 32}, {33, 200}, {200, 256}, {256, 257}, {100, 4096}, {4096, 40}, {5000, 70000},
    {70000, 300}, {256, 1}, {48, 48}, {250, 10},
  };
  unsigned char *blocks[64];
  for (int round = 0; round < 200; round++) {
    for (size_t m = 0; m < sizeof moves / sizeof moves[0]; m++) {
      size_t from = moves[m][0], to = moves[m][1];
      unsigned char seed = (unsigned char)(round + m);
      unsigned char *p = halo_alloc(st, NULL, LUA_TTABLE, from);
      if (p == NULL) { slab_failures++; continue; }
      fill(p, from, seed);
      unsigned char *q = halo_alloc(st, p, from, to);
      if (q == NULL) { slab_failures++; fprintf(stderr, "FAIL: slab move %zu -> %zu returned NULL\n", from, to); continue; }
      if (!intact(q, from < to ? from : to, seed)) {
        slab_failures++;
        fprintf(stderr, "FAIL: slab move %zu -> %zu lost bytes\n", from, to);
      }
      fill(q, to, seed);  /* the whole new size is writable */
      blocks[m] = q;
    }
    for (size_t m = 0; m < sizeof moves / sizeof moves[0]; m++) halo_alloc(st, blocks[m], moves[m][1], 0);
  }
  if (st->used != before) {
    slab_failures++;
    fprintf(stderr, "FAIL: slab accounting: %zu bytes in use after freeing everything (was %zu)\n", st->used, before);
  }
  /* Many small blocks freed at once: the lists keep at most HALO_SLAB_KEEP bytes. */
  enum { many = 20000 };
  void **held = malloc(many * sizeof *held);
  for (int i = 0; i < many; i++) held[i] = halo_alloc(st, NULL, LUA_TSTRING, (size_t)(1 + i % HALO_SLAB_MAX));
  for (int i = 0; i < many; i++) halo_alloc(st, held[i], (size_t)(1 + i % HALO_SLAB_MAX), 0);
  free(held);
  if (st->slab_kept > HALO_SLAB_KEEP) {
    slab_failures++;
    fprintf(stderr, "FAIL: %zu bytes kept in the free lists (at most %zu)\n", st->slab_kept, (size_t)HALO_SLAB_KEEP);
  }
  halo_close(st);
  printf("slab sanitize: %d failures\n", slab_failures);
  return slab_failures;
}

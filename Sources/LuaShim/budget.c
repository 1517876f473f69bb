/*
** budget.c: the per-call budgets. The limiting allocator, the count hook (which
** also checks the wall clock), explicit charges for work done inside C functions,
** and the kill: once a budget trips, every hook and every catch point re-raises
** until the call unwinds, so the script's pcall/xpcall/resume cannot swallow it.
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "shim.h"

const char HALO_FROZEN = 0, HALO_TYPEID = 0, HALO_KILLMSG = 0, HALO_STUB = 0,
           HALO_BASEMT = 0, HALO_CALLMT = 0, HALO_LOADED = 0, HALO_PRELOAD = 0,
           HALO_IDS = 0, HALO_RANDOMSEED = 0, HALO_DIRTY = 0, HALO_PROXYMT = 0, HALO_LAZY = 0;

int64_t halo_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Re-arms the hook on the running thread to fire at the next instruction. */
static void arm(halo_state *st) {
  if (!st->kill_armed && st->running != NULL) {
    st->kill_armed = 1;
    lua_sethook(st->running, halo_hook, HALO_HOOK_MASK(st->running), 1);
  }
}

/*
** The lua_Alloc. With ptr == NULL, osize is a type tag, not a size, so the old
** size counts only for a real block. Only growth is refused (shrinking never fails,
** as Lua requires). Creating a long string (>= 1 KiB) is also charged to the
** instruction budget, so copying large strings in a tight loop costs time units
** between hooks. Nothing else is charged: stack, table and short-string allocations
** depend on the state's history (GC shrinks stacks, interns strings), and the count
** must be the same for the same call on a fresh or a warm state, on any machine.
*/
/*
** Small blocks. Most of what a policy call allocates is small and short-lived: decoded ctx
** tables and their parts, amounts (a 33-byte userdata), strings, closures. glibc's malloc
** and free cost about a hundred instructions each; a free list per 16-byte size class costs
** a few. Blocks of up to HALO_SLAB_MAX bytes are therefore taken from and returned to
** per-state free lists (a state is used by one thread at a time, so no locking). Lua passes
** a block's size back on every free and realloc, so the class is always known. The memory
** budget still counts the bytes Lua asked for; at most HALO_SLAB_KEEP bytes are kept free
** per state (beyond that a freed block goes back to malloc), and all of it is released with
** the state. Under AddressSanitizer the lists are off, so it still sees every block.
*/
#ifndef HALO_SLAB_ON  /* `make sanitize` also builds with -DHALO_SLAB_ON=1 to check the lists themselves */
#if defined(__SANITIZE_ADDRESS__)
#define HALO_SLAB_ON 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HALO_SLAB_ON 0
#endif
#endif
#endif
#ifndef HALO_SLAB_ON
#define HALO_SLAB_ON 1
#endif

static inline size_t slab_class(size_t n) { return (n - 1) / HALO_SLAB_STEP; }

static inline void *slab_take(halo_state *st, size_t n) {
  size_t c = slab_class(n);
  void *block = st->slab_free[c];
  if (block != NULL) {
    st->slab_free[c] = *(void **)block;
    st->slab_kept -= (c + 1) * HALO_SLAB_STEP;
    return block;
  }
  return malloc((c + 1) * HALO_SLAB_STEP);
}

static inline void slab_give(halo_state *st, void *block, size_t n) {
  size_t c = slab_class(n), size = (c + 1) * HALO_SLAB_STEP;
  if (st->slab_kept + size > HALO_SLAB_KEEP) {
    free(block);
    return;
  }
  *(void **)block = st->slab_free[c];
  st->slab_free[c] = block;
  st->slab_kept += size;
}

void halo_slab_release(halo_state *st) {
  for (int c = 0; c < HALO_SLAB_CLASSES; c++) {
    void *block = st->slab_free[c];
    while (block != NULL) {
      void *next = *(void **)block;
      free(block);
      block = next;
    }
    st->slab_free[c] = NULL;
  }
  st->slab_kept = 0;
}

/* Frees a block of `size` bytes (its size as Lua gave it). */
static inline void release_block(halo_state *st, void *ptr, size_t size) {
  if (HALO_SLAB_ON && size <= HALO_SLAB_MAX) slab_give(st, ptr, size);
  else free(ptr);
}

/* A block of nsize bytes holding the first min(old, nsize) bytes of ptr (old bytes), or NULL. */
static void *resize_block(halo_state *st, void *ptr, size_t old, size_t nsize) {
  if (!HALO_SLAB_ON) return realloc(ptr, nsize);
  int was_small = ptr != NULL && old <= HALO_SLAB_MAX, small = nsize <= HALO_SLAB_MAX;
  if (ptr == NULL) return small ? slab_take(st, nsize) : malloc(nsize);
  if (was_small && small && slab_class(old) == slab_class(nsize)) return ptr;
  if (!was_small && !small) return realloc(ptr, nsize);
  void *block = small ? slab_take(st, nsize) : malloc(nsize);
  if (block == NULL) return NULL;
  memcpy(block, ptr, old < nsize ? old : nsize);
  release_block(st, ptr, old);
  return block;
}

void *halo_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  halo_state *st = (halo_state *)ud;
  size_t old = (ptr != NULL) ? osize : 0;
  if (nsize == 0) {
    if (ptr != NULL) release_block(st, ptr, old);
    st->used -= old;
    return NULL;
  }
  if (nsize > old) {
    size_t grow = nsize - old;
    /* why: a library function looping in C (table.concat over an __index, gsub with a
    ** replacement table ...) never reaches the hook; if it allocates, the wall clock is
    ** checked here every HALO_ALLOC_CLOCK allocations and a late call is ended (the refused
    ** allocation unwinds it, classified as the wall-time kill). Attack: concatIndexHugeRange. */
    if (st->budget_on && !st->killed && (++st->alloc_ticks & (HALO_ALLOC_CLOCK - 1)) == 0 &&
        halo_now_ns() > st->deadline_ns) {
      st->killed = KILL_WALL;
      arm(st);
      return NULL;
    }
    size_t cap = st->limit + (st->killed ? HALO_KILL_SLACK : 0);
    /* why: the memory cap (attacks memoryConcatDoubling, memoryTableGrowth, memoryDeepRecursion) */
    if (st->limit_on && (st->used + grow > cap || st->used + grow < st->used))
      return NULL;
    if (st->budget_on && ptr == NULL && osize == LUA_TSTRING && nsize >= HALO_ALLOC_CHARGED) {
      st->count += (int64_t)(nsize >> HALO_ALLOC_SHIFT);
      if (st->count > st->instruction_limit) arm(st);
    }
  }
  void *block = resize_block(st, ptr, old, nsize);
  if (block == NULL) return (nsize <= old) ? ptr : NULL;
  st->used = st->used - old + nsize;
  if (st->used > st->peak) st->peak = st->used;
  return block;
}

/* Pushes the preallocated kill message and raises it; never allocates. */
int halo_raise_kill(lua_State *L, int why) {
  halo_state *st = halo_get(L);
  if (!st->killed) st->killed = why;
  arm(st);
  if (lua_checkstack(L, 1)) lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_KILLMSG);
  return lua_error(L);
}

/*
** Called by every catch point (pcall, xpcall, resume, load, close) after the
** protected work returns: a memory error or a tripped budget is re-raised.
** why: a kill must not be catchable (attacks loopInPcallRetry, memoryConcatDoublingInPcallRetry).
*/
int halo_check_kill(lua_State *L, int status) {
  halo_state *st = halo_get(L);
  if (status == LUA_ERRMEM && st->budget_on) return halo_raise_kill(L, KILL_MEMORY);
  if (st->killed) return halo_raise_kill(L, st->killed);
  return 0;
}

/*
** Charges work done inside a C function, where the hook never fires. A charge that
** would pass the budget is refused before the work starts (and not counted); the
** wall clock is checked here too, so C-heavy loops meet the backstop between hooks.
*/
void halo_charge(lua_State *L, int64_t units) {
  halo_state *st = halo_get(L);
  if (!st->budget_on) return;
  if (units > st->instruction_limit - st->count) halo_raise_kill(L, KILL_TIMEOUT);
  st->count += units;
  if (halo_now_ns() > st->deadline_ns) halo_raise_kill(L, KILL_WALL);
}

/*
** A checkpoint inside a library loop (library.c): raises a pending kill, or the wall-time
** kill once the deadline has passed. Never charges, so instruction counts do not change.
*/
void halo_checkpoint(lua_State *L) {
  halo_state *st = halo_get(L);
  if (!st->budget_on) return;
  if (st->killed) halo_raise_kill(L, st->killed);
  if (halo_now_ns() > st->deadline_ns) halo_raise_kill(L, KILL_WALL);
}

/* Raises a sandbox-forbidden error located at the calling Lua code. */
int halo_raise_forbidden(lua_State *L, const char *fmt, ...) {
  va_list ap;
  halo_get(L)->forbidden_raised = 1;
  luaL_where(L, 1);
  lua_pushliteral(L, "sandbox-forbidden: ");
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  lua_concat(L, 3);
  return lua_error(L);
}

/*
** The count hook: charges the period just executed, checks the wall-clock
** backstop, and raises while a kill is pending. It is the only place Lua code
** is interrupted, so it must stay cheap: one add, one compare, one clock read.
*/
void halo_hook(lua_State *L, lua_Debug *ar) {
  halo_state *st = halo_get(L);
  if (ar->event == LUA_HOOKLINE) { halo_coverage_line(L, ar); return; }  /* coverage.c; charges nothing */
  if (!st->budget_on) return;
  if (st->killed) {  /* why: keeps raising until unwound (attack test loopInClose) */
    lua_sethook(L, halo_hook, HALO_HOOK_MASK(L), 1);
    halo_raise_kill(L, st->killed);
  }
  st->count += lua_gethookcount(L);
  if (st->count > st->instruction_limit) halo_raise_kill(L, KILL_TIMEOUT);
  if (halo_now_ns() > st->deadline_ns) halo_raise_kill(L, KILL_WALL);
  if (lua_gethookcount(L) != HALO_MAIN_STEP && lua_gethookcount(L) != HALO_CO_STEP)
    lua_sethook(L, halo_hook, HALO_HOOK_MASK(L), L == st->L ? HALO_MAIN_STEP : HALO_CO_STEP);
}

/* now + wall_ms, saturating: a budget of 107000 days must not wrap into the past. */
int64_t halo_deadline(int64_t now_ns, int64_t wall_ms) {
  if (wall_ms <= 0) return now_ns;
  if (wall_ms > (INT64_MAX - now_ns) / 1000000) return INT64_MAX;
  return now_ns + wall_ms * 1000000;
}

void halo_budget_begin(halo_state *st) {
  st->count = 0;
  st->killed = 0;
  st->kill_armed = 0;
  st->forbidden_raised = 0;
  st->peak = st->used;
  st->decoded = 0;
  st->limit = (size_t)st->memory_limit;
  st->limit_on = 1;
  st->deadline_ns = halo_deadline(halo_now_ns(), st->wall_ms);
  st->running = st->L;
  lua_sethook(st->L, halo_hook, HALO_HOOK_MASK(st->L), HALO_MAIN_STEP);  /* deterministic period */
  st->budget_on = 1;
}

void halo_budget_end(halo_state *st) {
  st->budget_on = 0;
  st->running = NULL;
  lua_sethook(st->L, halo_hook, HALO_HOOK_MASK(st->L), HALO_MAIN_STEP);
}

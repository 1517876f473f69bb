/*
** shim.h: the sandbox state shared by the shim's C files (not exported to Swift).
*/
#ifndef HALO_SHIM_INTERNAL_H
#define HALO_SHIM_INTERNAL_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "lua_shim.h"

#define HALO_MAIN_STEP 1000    /* count-hook period on the main thread */
#define HALO_CO_STEP 100       /* finer on coroutines; prepaid at creation */
#define HALO_ALLOC_SHIFT 6     /* one instruction unit per 64 bytes of a new long string ... */
#define HALO_ALLOC_CHARGED 1024 /* ... of at least 1 KiB */
#define HALO_ALLOC_CLOCK 1024  /* allocations between two wall-clock checks (a power of two) */
#define HALO_MAX_INSTRUCTIONS ((int64_t)1 << 62)  /* budgets are clamped here: sums never wrap */
#define HALO_KILL_SLACK (256 * 1024) /* headroom to unwind after a memory kill */
#define HALO_MAX_ROOTS 8
#define HALO_MAX_TYPES 64
#define HALO_LOG_CAP (1 << 20)
#define HALO_MAX_DEPTH 32       /* nesting bound for values crossing the boundary */
#define HALO_MAX_ITEMS 200000   /* element bound for values crossing the boundary */
#define HALO_KEY_SLOTS 512      /* slots of the decoded-string cache (a power of two) */
#define HALO_KEY_MAX 40         /* longest string it keeps: Lua's short strings (LUAI_MAXSHORTLEN) */

enum { KILL_NONE = 0, KILL_TIMEOUT = 1, KILL_MEMORY = 2, KILL_WALL = 3 };

typedef struct halo_buffer { uint8_t *data; size_t length, capacity; } halo_buffer;

/* Small blocks (budget.c): sizes up to HALO_SLAB_MAX bytes come from per-state free lists in
** HALO_SLAB_STEP-byte classes; at most HALO_SLAB_KEEP bytes are kept free. */
#define HALO_SLAB_STEP 16
#define HALO_SLAB_MAX 256
#define HALO_SLAB_CLASSES (HALO_SLAB_MAX / HALO_SLAB_STEP)
#define HALO_SLAB_KEEP ((size_t)1 << 20)

struct halo_state {
  lua_State *L;
  lua_State *running;         /* thread to re-arm when an allocation exhausts budget */
  lua_State *host_L;          /* thread of the host call in progress */
  /* memory */
  size_t used, peak, limit;
  int64_t decoded;  /* lazy read-only tables decoded since the last budgeted entry (marshal.c) */
  int limit_on;
  /* budgets of the call in progress */
  int budget_on, killed, kill_armed, forbidden_raised, reseed_pending;
  int64_t count, instruction_limit, wall_ms, memory_limit;
  int64_t deadline_ns;
  int64_t clock;
  uint64_t alloc_ticks;
  /* Small blocks freed by Lua, kept for reuse (budget.c, "Small blocks"): a free list per
  ** HALO_SLAB_STEP-byte size class, and the bytes they hold. */
  void *slab_free[HALO_SLAB_CLASSES];
  size_t slab_kept;
  uint64_t seed;
  /* host */
  halo_host_callback callback;
  void *context;
  int host_status, host_code;
  /* configuration */
  char *roots[HALO_MAX_ROOTS];
  int nroots;
  int type_mt[HALO_MAX_TYPES];          /* registry refs of userdata metatables */
  int type_size[HALO_MAX_TYPES];
  char *type_name[HALO_MAX_TYPES];
  int ntypes;
  /* buffers (C heap, outside the Lua budget) */
  halo_buffer out, in, log;
  char message[1024];
  char chunk[256];
  int line;
  int64_t tostring_ids;
  /* Short strings decoded from call buffers, kept interned (marshal.c, "key cache"): the Lua
  ** table holding them (a registry ref, 0 until the first decode) and, per slot, its text. */
  /* The metatable of halo.amount values (amount.c), by address, while there is one kind. */
  const void *amount_mt;
  int amount_mts;
  int key_cache;
  struct { const char *text; size_t length; } keys[HALO_KEY_SLOTS];
};

/* registry keys (addresses are unique; Lua code cannot forge light userdata) */
extern const char HALO_FROZEN;     /* metatable marker of read-only proxies */
extern const char HALO_TYPEID;     /* metatable field: userdata type id */
extern const char HALO_KILLMSG;    /* preallocated kill message */
extern const char HALO_STUB;       /* the frozen __metatable stub */
extern const char HALO_BASEMT;     /* metatable {__index = globals} for fresh envs */
extern const char HALO_CALLMT;     /* in a policy env metatable: its call-layer metatable */
extern const char HALO_LOADED;     /* require cache */
extern const char HALO_PRELOAD;    /* host modules */
extern const char HALO_IDS;        /* weak table: object -> tostring id */
extern const char HALO_RANDOMSEED; /* math.randomseed, reseeded per call */
extern const char HALO_DIRTY;      /* in a policy env metatable: a call layer is installed */
extern const char HALO_PROXYMT;    /* the metatable shared by every light read-only proxy */
extern const char HALO_LAZY;       /* in a lazy read-only proxy: the blob it is decoded from */

/* The budget hook's mask: the count event, plus line events while coverage records. */
#define HALO_HOOK_MASK(L) (LUA_MASKCOUNT | (lua_gethookmask(L) & LUA_MASKLINE))
void halo_coverage_line(lua_State *L, lua_Debug *ar);

static inline halo_state *halo_get(lua_State *L) {
  return *(halo_state **)lua_getextraspace(L);
}

/* budget.c */
void *halo_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
void halo_hook(lua_State *L, lua_Debug *ar);
void halo_charge(lua_State *L, int64_t units);
void halo_checkpoint(lua_State *L);
int halo_raise_kill(lua_State *L, int why);
int halo_check_kill(lua_State *L, int status);
int halo_raise_forbidden(lua_State *L, const char *fmt, ...);
int64_t halo_now_ns(void);
void halo_budget_begin(halo_state *st);
/* Frees the small blocks kept for reuse (after lua_close). */
void halo_slab_release(halo_state *st);
int64_t halo_deadline(int64_t now_ns, int64_t wall_ms);
void halo_budget_end(halo_state *st);

/* host.c */
int halo_call_host(lua_State *L, int32_t id);
int halo_run_unbudgeted(halo_state *st, lua_CFunction f, void *ud);

/* marshal.c */
void halo_buffer_reserve(halo_buffer *b, size_t extra);
void halo_buffer_put(halo_buffer *b, const void *bytes, size_t n);
int halo_push_values(lua_State *L, const uint8_t *p, size_t n);
int halo_push_call_values(lua_State *L, const uint8_t *p, size_t n, int state);
size_t halo_push_state(lua_State *L, const uint8_t *p, size_t n);
int halo_emit_value(halo_state *st, lua_State *L, int idx, halo_buffer *b);
void halo_make_frozen(lua_State *L);
void halo_make_frozen_light(lua_State *L);
void halo_push_proxy_metatable(lua_State *L);
void halo_make_deep_frozen(lua_State *L);
int halo_is_frozen(lua_State *L, int idx);
void halo_push_backing(lua_State *L, int idx);

/* library.c */
void halo_checkpointed_table_functions(lua_State *L, int t);

/* profile.c */
int halo_open_profile(lua_State *L);
int halo_tostring(lua_State *L);
void halo_new_env(lua_State *L);

#endif

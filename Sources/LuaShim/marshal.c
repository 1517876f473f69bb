/*
** marshal.c: values across the Swift boundary, and read-only proxies.
**
** halo_push_values decodes a value buffer and pushes it; it may raise (memory), so
** it only runs under lua_pcall with C frames alone above the setjmp. halo_emit_value
** serialises a Lua value with non-raising reads only (rawgeti, next, tolstring on
** real strings), never invoking a metamethod, bounded in depth and element count.
*/
#include <stdlib.h>
#include <string.h>
#include "shim.h"

/* ---------- buffers (C heap) ---------- */

void halo_buffer_reserve(halo_buffer *b, size_t extra) {
  if (b->length + extra <= b->capacity) return;
  size_t cap = b->capacity ? b->capacity : 256;
  while (cap < b->length + extra) cap *= 2;
  uint8_t *data = realloc(b->data, cap);
  if (data == NULL) abort();  /* host heap exhausted: not a sandbox condition */
  b->data = data;
  b->capacity = cap;
}

void halo_buffer_put(halo_buffer *b, const void *bytes, size_t n) {
  halo_buffer_reserve(b, n);
  memcpy(b->data + b->length, bytes, n);
  b->length += n;
}

static void put_u8(halo_buffer *b, uint8_t v) { halo_buffer_put(b, &v, 1); }
static void put_u32(halo_buffer *b, uint32_t v) { halo_buffer_put(b, &v, 4); }

/* ---------- read-only proxies ---------- */

static void push_key_text(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING) lua_pushvalue(L, idx);
  else lua_pushstring(L, luaL_typename(L, idx));
}

/* why: library, ctx and module tables are shared; writes are denied (attacks writeFrozenLibrary, writeFrozenMath) */
static int frozen_newindex(lua_State *L) {
  push_key_text(L, 2);
  return halo_raise_forbidden(L, "cannot write field '%s' of a read-only table",
                              lua_tostring(L, -1));
}

static int frozen_len(lua_State *L) {
  halo_push_backing(L, 1);
  lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
  return 1;
}

static int frozen_next(lua_State *L) {
  halo_push_backing(L, 1);
  lua_settop(L, 3);
  lua_pushvalue(L, 2);
  if (lua_next(L, 3)) return 2;
  lua_pushnil(L);
  return 1;
}

/* why: iterate without handing out the writable backing table (pairs returns no table) */
static int frozen_pairs(lua_State *L) {
  lua_pushcfunction(L, frozen_next);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

static void materialize(lua_State *L, int proxy);

/*
** Reads through a proxy: backing[k], the backing's own metatable included (what
** `__index = backing` did). A function, since the metatable is shared by every proxy.
*/
static int frozen_index(lua_State *L) {
  if (lua_rawgetp(L, 1, &HALO_FROZEN) != LUA_TTABLE) {  /* 3: the backing, once it exists */
    lua_pop(L, 1);                      /* a lazy proxy (only proxies have this metatable): */
    lua_pushnil(L);
    if (!lua_next(L, 1)) luaL_error(L, "malformed lazy table");  /* its blob and position */
    materialize(L, 1);                  /* decoded now, on its first read */
  }
  lua_pushvalue(L, 2);
  if (lua_rawget(L, 3) == LUA_TNIL && lua_getmetatable(L, 3)) {  /* a module table's own metatable */
    lua_pop(L, 2);
    lua_pushvalue(L, 2);
    lua_gettable(L, 3);
  }
  return 1;
}

/* Pushes the metatable every light proxy shares (made on first use, after the stub). */
void halo_push_proxy_metatable(lua_State *L) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_PROXYMT) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_createtable(L, 0, 7);
  lua_pushcfunction(L, frozen_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, frozen_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, frozen_len);
  lua_setfield(L, -2, "__len");
  lua_pushcfunction(L, frozen_pairs);
  lua_setfield(L, -2, "__pairs");
  lua_pushboolean(L, 1);
  lua_rawsetp(L, -2, &HALO_LAZY);       /* a table with it and no HALO_FROZEN slot is a lazy proxy */
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_STUB) == LUA_TNIL) {  /* the stub itself: set later */
    lua_pop(L, 1);
    lua_pushboolean(L, 0);
  }
  lua_setfield(L, -2, "__metatable");  /* why: getmetatable/setmetatable cannot reach it */
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &HALO_PROXYMT);
}

/*
** Pops a table and pushes a read-only proxy of it with its own metatable (`__index` is the
** backing table itself, so reads cost nothing extra): for the long-lived tables (libraries,
** modules, the userdata methods), made once per state.
*/
void halo_make_frozen(lua_State *L) {
  luaL_checkstack(L, 4, NULL);
  lua_createtable(L, 0, 0);
  lua_createtable(L, 0, 7);  /* six fields and the marker: no rehash while filling it */
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, frozen_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, frozen_len);
  lua_setfield(L, -2, "__len");
  lua_pushcfunction(L, frozen_pairs);
  lua_setfield(L, -2, "__pairs");
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_STUB) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushboolean(L, 0);
  }
  lua_setfield(L, -2, "__metatable");  /* why: getmetatable/setmetatable cannot reach it */
  lua_pushvalue(L, -3);
  lua_rawsetp(L, -2, &HALO_FROZEN);     /* marker, and the backing table for the host */
  lua_setmetatable(L, -2);
  lua_replace(L, -2);
}

/*
** Pops a table and pushes a light read-only proxy of it: one small table holding the backing
** under a key no script can name, with the metatable every light proxy shares. For values
** marshalled on every call (the ctx has 22 tables): a proxy costs one table instead of a
** proxy and a six-field metatable, and a read costs one C call (frozen_index).
*/
void halo_make_frozen_light(lua_State *L) {
  luaL_checkstack(L, 3, NULL);
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, -2);
  lua_rawsetp(L, -2, &HALO_FROZEN);
  halo_push_proxy_metatable(L);
  lua_setmetatable(L, -2);
  lua_replace(L, -2);
}

/* Replaces the table at the top (not a proxy) by its proxy, after replacing every table among
** its values by a proxy too, depth first; `seen` (an absolute index) maps a table to its proxy,
** so shared and cyclic tables get one proxy each. Keys and metatables are left as they are. */
static void deep_freeze(lua_State *L, int seen, int depth) {
  int t;
  luaL_checkstack(L, 6, NULL);
  t = lua_gettop(L);
  lua_pushvalue(L, t);
  if (lua_rawget(L, seen) != LUA_TNIL) { lua_replace(L, t); return; }
  lua_pop(L, 1);
  lua_pushvalue(L, t);
  halo_make_frozen(L);                               /* t + 1: the proxy */
  lua_pushvalue(L, t);
  lua_pushvalue(L, t + 1);
  lua_rawset(L, seen);
  if (depth < HALO_MAX_DEPTH) {
    lua_pushnil(L);
    while (lua_next(L, t)) {
      if (lua_type(L, -1) == LUA_TTABLE && !halo_is_frozen(L, -1)) {
        deep_freeze(L, seen, depth + 1);
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, t);  /* an existing field: allowed while traversing */
      } else {
        lua_pop(L, 1);
      }
    }
  }
  lua_replace(L, t);
}

/* Pops a table and pushes a read-only proxy of it whose nested tables (values, to depth 32)
** are read-only too: what `require` returns. why: `require("halo").actions.x = f` must
** fail like `require("halo").x = f` (test: nestedModuleTablesAreReadOnly). */
void halo_make_deep_frozen(lua_State *L) {
  if (halo_is_frozen(L, -1)) return;
  lua_newtable(L);
  lua_insert(L, -2);
  deep_freeze(L, lua_absindex(L, -2), 0);
  lua_remove(L, -2);
}

/* A read-only table: a proxy (its backing under the marker key), or a policy environment
** (the marker in its own metatable, host.c). */
int halo_is_frozen(lua_State *L, int idx) {
  int frozen = 0;
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) != LUA_TTABLE) return 0;
  frozen = lua_rawgetp(L, idx, &HALO_FROZEN) != LUA_TNIL;  /* a backing table */
  lua_pop(L, 1);
  if (!frozen && lua_getmetatable(L, idx)) {
    int mt = lua_gettop(L);
    frozen = lua_rawgetp(L, mt, &HALO_FROZEN) == LUA_TTABLE    /* a policy environment */
          || lua_rawgetp(L, mt, &HALO_LAZY) != LUA_TNIL;       /* a lazy proxy */
    lua_settop(L, mt - 1);
  }
  return frozen;
}

/* For a lazy proxy not yet decoded at absolute index idx: pushes its blob and its position and
** returns 1. Otherwise pushes nothing and returns 0. Never raises. */
static int push_lazy_slot(lua_State *L, int idx) {
  int top = lua_gettop(L), lazy;
  if (lua_rawgetp(L, idx, &HALO_FROZEN) != LUA_TNIL || !lua_getmetatable(L, idx)) {
    lua_settop(L, top);
    return 0;
  }
  lazy = lua_rawgetp(L, -1, &HALO_LAZY) != LUA_TNIL;
  lua_settop(L, top);
  if (!lazy) return 0;
  lua_pushnil(L);
  if (!lua_next(L, idx)) return 0;
  if (lua_type(L, -2) != LUA_TUSERDATA || !lua_isinteger(L, -1)) {
    lua_settop(L, top);
    return 0;
  }
  return 1;
}

/* Pushes the backing table of a proxy (the load layer of an environment, or the value
** itself). Raises only for a lazy proxy not yet decoded (it allocates its backing table):
** callers outside lua_pcall check push_lazy_slot first (emit_table does). */
void halo_push_backing(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) == LUA_TTABLE) {
    int t = lua_rawgetp(L, idx, &HALO_FROZEN);
    if (t == LUA_TTABLE) return;
    lua_pop(L, 1);
    if (t == LUA_TNIL && push_lazy_slot(L, idx)) {
      materialize(L, idx);
      return;
    }
    if (lua_getmetatable(L, idx)) {
      if (lua_rawgetp(L, -1, &HALO_FROZEN) == LUA_TTABLE) {
        lua_remove(L, -2);
        return;
      }
      lua_pop(L, 2);
    }
  }
  lua_pushvalue(L, idx);
}

/* ---------- decoding (raises; protected callers only) ---------- */

/*
** A reader walks a value buffer. With `blob` set (the stack index of a call's blob, below),
** frozen tables are pushed as lazy proxies; `anchored` says references are read from the
** blob's anchors (when a lazy proxy is decoded) rather than from the registry.
*/
typedef struct reader { const uint8_t *p, *end, *start; int blob, anchored, state, proxymt, keys; } reader;

/* Pushes what a reference names: the call's state (HALO_REF_CALL_STATE) or a registry slot. */
static void push_reference(lua_State *L, reader *r, int32_t id) {
  if (id == HALO_REF_CALL_STATE) {
    if (r->state) lua_pushvalue(L, r->state);
    else lua_pushnil(L);
  } else {
    lua_rawgeti(L, LUA_REGISTRYINDEX, id);
  }
}

static void need(lua_State *L, reader *r, size_t n) {
  if ((size_t)(r->end - r->p) < n) luaL_error(L, "malformed value buffer");
}

static uint32_t read_u32(lua_State *L, reader *r) {
  uint32_t v;
  need(L, r, 4);
  memcpy(&v, r->p, 4);
  r->p += 4;
  return v;
}

static void push_one(lua_State *L, reader *r, int depth);

/*
** ---------- key cache ----------
** A decoded table's keys are the same few dozen short strings on every call (a ctx's field
** names), and interning one (lua_pushlstring: hash every byte, walk the string table's chain,
** compare) was the largest part of decoding a table. So the strings of up to HALO_KEY_MAX bytes
** a lazy table decodes are kept in a per-state cache: a Lua table of HALO_KEY_SLOTS slots (in
** the registry: the strings stay interned, at most HALO_KEY_SLOTS * 64 bytes or so) and, per
** slot, the text of the string it holds (valid while the table holds the string). A hit is a
** cheap hash of the first and last 8 bytes, one comparison and one array read. The value pushed
** is the same interned string lua_pushlstring would push: nothing a policy sees changes.
*/

/* Pushes the key cache table (made on first use). */
static void push_key_cache(lua_State *L, halo_state *st) {
  if (st->key_cache != 0) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, st->key_cache);
    return;
  }
  lua_createtable(L, HALO_KEY_SLOTS, 0);
  lua_pushvalue(L, -1);
  st->key_cache = luaL_ref(L, LUA_REGISTRYINDEX);
}

static uint64_t load64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Pushes the string of n <= HALO_KEY_MAX bytes at s through the cache (stack index r->keys):
** two slots per hash (the later of two colliding keys does not evict the earlier), the one
** found or filled last first. */
static void push_cached_string(lua_State *L, reader *r, const uint8_t *s, uint32_t n) {
  halo_state *st = halo_get(L);
  uint64_t head = 0, tail = 0, h;
  unsigned slot;
  if (n >= 8) {
    head = load64(s);
    tail = load64(s + n - 8);
  } else if (r->end - s >= 8) {            /* the buffer goes on: load 8 bytes, keep n */
    head = load64(s) & ((n == 0) ? 0 : (~(uint64_t)0 >> (64 - 8 * n)));
  } else {
    uint32_t i;
    for (i = 0; i < n; i++) head |= (uint64_t)s[i] << (8 * i);
  }
  h = (head ^ (tail * 0x9E3779B97F4A7C15u) ^ n) * 0x9E3779B97F4A7C15u;
  slot = (unsigned)(h >> 40) & (HALO_KEY_SLOTS - 2);  /* even: the first of its two */
  if (st->keys[slot].length == n && st->keys[slot].text != NULL && memcmp(st->keys[slot].text, s, n) == 0) {
    lua_rawgeti(L, r->keys, (lua_Integer)slot + 1);
    return;
  }
  if (st->keys[slot + 1].length == n && st->keys[slot + 1].text != NULL && memcmp(st->keys[slot + 1].text, s, n) == 0) {
    lua_rawgeti(L, r->keys, (lua_Integer)slot + 2);
    return;
  }
  if (st->keys[slot].text != NULL) slot++;            /* the first is taken: the second is (re)filled */
  lua_pushlstring(L, (const char *)s, n);
  lua_pushvalue(L, -1);
  lua_rawseti(L, r->keys, (lua_Integer)slot + 1);  /* the old string, if any, is left to the collector */
  st->keys[slot].text = lua_tostring(L, -1);
  st->keys[slot].length = n;
}

/* Pushes a key (a STR value at r->p) through the key cache when it is short. */
static void push_key(lua_State *L, reader *r) {
  uint32_t n;
  r->p++;
  n = read_u32(L, r);
  need(L, r, n);
  if (n <= HALO_KEY_MAX) push_cached_string(L, r, r->p, n);
  else lua_pushlstring(L, (const char *)r->p, n);
  r->p += n;
}

/*
** ---------- lazy read-only tables ----------
** The frozen tables of a call's arguments (ctx and everything in it) are pushed as lazy
** proxies. The call's whole argument buffer is copied once into a blob (a full userdata whose
** user value is its anchors table); a lazy proxy is a table with the shared light-proxy
** metatable and one slot, keyed by the blob (no script ever holds it), holding the table's
** position in the blob: one store per proxy. Its first read (__index, __len, __pairs, next)
** decodes that one level into a backing table, whose own tables are lazy proxies in turn, and
** from then on it is an ordinary light proxy. A policy pays only for the parts of ctx it reads.
** why: building every sub-table of a ctx was most of an empty call's cost (docs/performance.md).
** Decoding allocates, so it happens only under lua_pcall (metamethods, next); emit_value reads
** an undecoded proxy straight from its blob and never raises. Registry references met in the
** blob (ctx.state) are resolved when the blob is made and kept in its anchors, so a proxy
** decoded after its call has ended still sees what the call saw, never a reused slot.
** Entries are inserted in the order an eager push used, so `pairs` visits them in the same
** order as before, and a policy's decisions do not change.
*/

/* Records a reference met while stepping over a lazy table in the blob's anchors. */
static void anchor_reference(lua_State *L, reader *r, int32_t id) {
  luaL_checkstack(L, 3, NULL);
  if (lua_getiuservalue(L, r->blob, 1) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, r->blob, 1);
  }
  push_reference(L, r, id);
  lua_rawseti(L, -2, id);
  lua_pop(L, 1);
}

/* Steps over one encoded value, checking bounds; a table without references (or any table,
** once anchored) is stepped over by its size, one that holds a reference is walked (depth
** checked) so its references get anchored. Its nested levels are checked again when decoded. */
static void skip_one(lua_State *L, reader *r, int depth) {
  uint32_t n;
  need(L, r, 1);
  switch (*r->p++) {
    case HALO_TAG_NIL: case HALO_TAG_OPAQUE: case HALO_TAG_TRUNC:
    case HALO_TAG_FALSE: case HALO_TAG_TRUE: break;
    case HALO_TAG_INT: case HALO_TAG_NUM: need(L, r, 8); r->p += 8; break;
    case HALO_TAG_STR: n = read_u32(L, r); need(L, r, n); r->p += n; break;
    case HALO_TAG_UDATA: (void)read_u32(L, r); n = read_u32(L, r); need(L, r, n); r->p += n; break;
    case HALO_TAG_REF: {
      int32_t id = (int32_t)read_u32(L, r);
      if (!r->anchored) anchor_reference(L, r, id);
      break;
    }
    case HALO_TAG_TABLE: {
      uint8_t flags;
      if (depth > HALO_MAX_DEPTH) luaL_error(L, "value nested too deeply");
      need(L, r, HALO_TABLE_HEADER - 1);
      r->p += 8;
      flags = *r->p++;
      n = read_u32(L, r);
      if (r->anchored || !(flags & HALO_TABLE_HAS_REF)) {  /* nothing to anchor: step over it */
        need(L, r, n);
        if (n == 0 || r->p[n - 1] != HALO_TAG_END) luaL_error(L, "malformed value buffer");
        r->p += n;
        break;
      }
      for (;;) {
        need(L, r, 1);
        if (*r->p == HALO_TAG_END) { r->p++; break; }
        skip_one(L, r, depth + 1);
        skip_one(L, r, depth + 1);
      }
      break;
    }
    default: luaL_error(L, "malformed value buffer");
  }
}

/* Pushes a lazy proxy of the table whose TABLE tag is at `at` in the blob. */
static void push_lazy(lua_State *L, reader *r, const uint8_t *at) {
  luaL_checkstack(L, 3, NULL);
  lua_createtable(L, 0, 2);                          /* room for the backing: no rehash then */
  lua_pushvalue(L, r->blob);
  lua_pushinteger(L, (lua_Integer)(at - r->start));
  lua_rawset(L, -3);
  lua_pushvalue(L, r->proxymt);
  lua_setmetatable(L, -2);
}

/* Pushes a table's entries (the reader just past its header) into a new table. */
static void push_entries(lua_State *L, reader *r, uint32_t narr, uint32_t nrec, int depth) {
  luaL_checkstack(L, 4, NULL);
  lua_createtable(L, narr > 65536 ? 65536 : (int)narr, nrec > 65536 ? 65536 : (int)nrec);
  for (;;) {
    need(L, r, 1);
    if (*r->p == HALO_TAG_END) { r->p++; break; }
    if (r->keys && r->p + 5 <= r->end && *r->p == HALO_TAG_STR) push_key(L, r);
    else push_one(L, r, depth + 1);
    push_one(L, r, depth + 1);
    lua_rawset(L, -3);
  }
}

/*
** Decodes a lazy proxy into its backing table, in place: `proxy` is its absolute index, and its
** blob and position (its one slot, push_lazy_slot) are at the top of the stack; both are
** replaced there by the backing.
*/
static void materialize(lua_State *L, int proxy) {
  reader r;
  size_t at, length;
  const uint8_t *data;
  uint32_t narr, nrec;
  luaL_checkstack(L, 6, NULL);
  at = (size_t)lua_tointeger(L, -1);
  lua_pop(L, 1);                                     /* the blob: kept on the stack while read */
  data = (const uint8_t *)lua_touserdata(L, -1);
  length = lua_rawlen(L, -1);
  if (data == NULL || at + HALO_TABLE_HEADER > length || data[at] != HALO_TAG_TABLE)
    luaL_error(L, "malformed lazy table");
  r.start = data;
  r.p = data + at + 1;
  r.end = data + length;
  r.blob = lua_gettop(L);
  r.anchored = 1;
  r.state = 0;                                       /* anchored: references are in the blob */
  lua_getmetatable(L, proxy);                        /* the shared one: for its own lazy proxies */
  r.proxymt = lua_gettop(L);
  push_key_cache(L, halo_get(L));
  r.keys = lua_gettop(L);
  narr = read_u32(L, &r);
  nrec = read_u32(L, &r);
  r.p += 5;                                          /* flags (read-only, or it were not lazy), size */
  push_entries(L, &r, narr, nrec, 0);                /* the backing */
  lua_pushvalue(L, -1);
  lua_rawsetp(L, proxy, &HALO_FROZEN);               /* now an ordinary light proxy (its blob slot
                                                        stays: it is never read again) */
  lua_replace(L, r.blob);                            /* the backing where the blob was */
  lua_settop(L, r.blob);                             /* the metatable, the key cache */
  halo_get(L)->decoded++;
}

static void push_table(lua_State *L, reader *r, int depth) {
  const uint8_t *at = r->p - 1;                      /* its TABLE tag */
  uint32_t narr = read_u32(L, r), nrec = read_u32(L, r), size;
  uint8_t flags;
  need(L, r, 1);
  flags = *r->p++;
  size = read_u32(L, r);
  if (depth > HALO_MAX_DEPTH) luaL_error(L, "value nested too deeply");
  if ((flags & HALO_TABLE_FROZEN) && r->blob) {      /* decoded on first read */
    r->p = at;
    skip_one(L, r, depth);                           /* steps over it, anchoring its references */
    push_lazy(L, r, at);
    return;
  }
  (void)size;
  push_entries(L, r, narr, nrec, depth);
  if (flags & HALO_TABLE_FROZEN) halo_make_frozen_light(L);
}

static void push_userdata(lua_State *L, reader *r) {
  halo_state *st = halo_get(L);
  uint32_t type = read_u32(L, r), length = read_u32(L, r);
  need(L, r, length);
  if (type >= (uint32_t)st->ntypes || (int)length != st->type_size[type])
    luaL_error(L, "bad userdata payload");
  void *block = lua_newuserdatauv(L, length, 0);
  memcpy(block, r->p, length);
  r->p += length;
  lua_rawgeti(L, LUA_REGISTRYINDEX, st->type_mt[type]);
  lua_setmetatable(L, -2);
}

static void push_one(lua_State *L, reader *r, int depth) {
  int64_t i;
  double d;
  uint32_t n;
  need(L, r, 1);
  switch (*r->p++) {
    case HALO_TAG_NIL: case HALO_TAG_OPAQUE: case HALO_TAG_TRUNC: lua_pushnil(L); break;
    case HALO_TAG_FALSE: lua_pushboolean(L, 0); break;
    case HALO_TAG_TRUE: lua_pushboolean(L, 1); break;
    case HALO_TAG_INT: need(L, r, 8); memcpy(&i, r->p, 8); r->p += 8; lua_pushinteger(L, i); break;
    case HALO_TAG_NUM: need(L, r, 8); memcpy(&d, r->p, 8); r->p += 8; lua_pushnumber(L, d); break;
    case HALO_TAG_STR:
      n = read_u32(L, r);
      need(L, r, n);
      lua_pushlstring(L, (const char *)r->p, n);
      r->p += n;
      break;
    case HALO_TAG_TABLE: push_table(L, r, depth); break;
    case HALO_TAG_UDATA: push_userdata(L, r); break;
    case HALO_TAG_REF: {
      int32_t id = (int32_t)read_u32(L, r);
      if (r->anchored) {
        luaL_checkstack(L, 2, NULL);
        if (lua_getiuservalue(L, r->blob, 1) == LUA_TTABLE) lua_rawgeti(L, -1, id);
        else lua_pushnil(L);
        lua_remove(L, -2);
      } else {
        push_reference(L, r, id);
      }
      break;
    }
    default: luaL_error(L, "malformed value buffer");
  }
}

/* Pushes every value left in the reader; returns how many. */
static int push_all(lua_State *L, reader *r) {
  int count = 0;
  while (r->p < r->end) {
    luaL_checkstack(L, 2, "too many values");
    push_one(L, r, 0);
    count++;
  }
  return count;
}

/* Pushes every value of the buffer, all built at once; returns how many. */
int halo_push_values(lua_State *L, const uint8_t *p, size_t n) {
  reader r = { p, p + n, p, 0, 0, 0, 0, 0 };
  return push_all(L, &r);
}

/* Pushes every value of a call's argument buffer, frozen tables as lazy proxies over one
** copy of the buffer; `state` is the stack index of the call's state table (0: none), what
** HALO_REF_CALL_STATE reads as. Returns how many. */
int halo_push_call_values(lua_State *L, const uint8_t *p, size_t n, int state) {
  uint8_t *copy;
  reader r;
  int count, blob;
  luaL_checkstack(L, 3, "too many values");
  copy = (uint8_t *)lua_newuserdatauv(L, n > 0 ? n : 1, 1);
  if (n > 0) memcpy(copy, p, n);
  blob = lua_gettop(L);
  halo_push_proxy_metatable(L);
  r.start = r.p = copy;
  r.end = copy + n;
  r.blob = blob;
  r.anchored = 0;
  r.state = state;
  r.proxymt = blob + 1;
  r.keys = 0;
  count = push_all(L, &r);
  lua_remove(L, blob + 1);  /* the metatable */
  lua_remove(L, blob);      /* the blob: the lazy proxies keep it alive */
  return count;
}

/* Pushes the first value of the buffer, which must be a plain (writable) table: a call's
** state. Returns the bytes it took. */
size_t halo_push_state(lua_State *L, const uint8_t *p, size_t n) {
  reader r = { p, p + n, p, 0, 0, 0, 0, 0 };
  need(L, &r, HALO_TABLE_HEADER);
  if (p[0] != HALO_TAG_TABLE || (p[9] & HALO_TABLE_FROZEN)) luaL_error(L, "the call's state must be a plain table");
  push_one(L, &r, 0);
  return (size_t)(r.p - p);
}

/* ---------- encoding (never raises) ---------- */

typedef struct emitter { halo_state *st; halo_buffer *b; int items, truncated; } emitter;

static void emit(emitter *e, lua_State *L, int idx, int depth);

/* Steps over one encoded value without raising; returns NULL when it is malformed. */
static const uint8_t *skip_encoded(const uint8_t *p, const uint8_t *end, int depth) {
  uint32_t n;
  if (p == NULL || p >= end || depth > HALO_MAX_DEPTH + 1) return NULL;
  switch (*p) {
    case HALO_TAG_NIL: case HALO_TAG_FALSE: case HALO_TAG_TRUE:
    case HALO_TAG_OPAQUE: case HALO_TAG_TRUNC: return p + 1;
    case HALO_TAG_INT: case HALO_TAG_NUM: return end - p < 9 ? NULL : p + 9;
    case HALO_TAG_REF: return end - p < 5 ? NULL : p + 5;
    case HALO_TAG_STR:
      if (end - p < 5) return NULL;
      memcpy(&n, p + 1, 4);
      return (size_t)(end - p - 5) < n ? NULL : p + 5 + n;
    case HALO_TAG_UDATA:
      if (end - p < 9) return NULL;
      memcpy(&n, p + 5, 4);
      return (size_t)(end - p - 9) < n ? NULL : p + 9 + n;
    case HALO_TAG_TABLE:
      if (end - p < HALO_TABLE_HEADER) return NULL;
      memcpy(&n, p + 10, 4);
      if (n == 0 || (size_t)(end - p - HALO_TABLE_HEADER) < n || p[HALO_TABLE_HEADER + n - 1] != HALO_TAG_END)
        return NULL;
      return p + HALO_TABLE_HEADER + n;
    default: return NULL;
  }
}

/*
** Emits one value encoded in a blob (an undecoded lazy proxy's contents) under the same
** bounds as emit, without decoding it into Lua; references are read from the blob's anchors.
** Never raises.
*/
static void emit_encoded(emitter *e, lua_State *L, int blob, const uint8_t **pp, const uint8_t *end, int depth) {
  halo_buffer *b = e->b;
  const uint8_t *p = *pp, *next = skip_encoded(p, end, depth);
  e->items++;
  if (next == NULL) {
    put_u8(b, HALO_TAG_TRUNC);
    e->truncated = 1;
    *pp = end;
    return;
  }
  switch (*p) {
    case HALO_TAG_REF: {
      int32_t id;
      memcpy(&id, p + 1, 4);
      if (!lua_checkstack(L, 3)) { put_u8(b, HALO_TAG_TRUNC); e->truncated = 1; break; }
      if (lua_getiuservalue(L, blob, 1) == LUA_TTABLE) lua_rawgeti(L, -1, id);
      else lua_pushnil(L);
      e->items--;  /* emit counts it */
      emit(e, L, -1, depth);
      lua_pop(L, 2);
      break;
    }
    case HALO_TAG_TABLE: {
      const uint8_t *last = next - 1;                /* its END */
      size_t header = b->length;
      uint32_t size;
      if (depth >= HALO_MAX_DEPTH || e->items > HALO_MAX_ITEMS) {
        put_u8(b, HALO_TAG_TRUNC);
        e->truncated = 1;
        break;
      }
      halo_buffer_put(b, p, 9);                      /* tag, size hints */
      put_u8(b, (uint8_t)(p[9] & HALO_TABLE_FROZEN)); /* references are emitted as their values */
      put_u32(b, 0);                                 /* size, below */
      p += HALO_TABLE_HEADER;
      while (p < last) {
        if (e->items > HALO_MAX_ITEMS) { e->truncated = 1; break; }
        emit_encoded(e, L, blob, &p, last, depth + 1);
        emit_encoded(e, L, blob, &p, last, depth + 1);
      }
      put_u8(b, HALO_TAG_END);
      size = (uint32_t)(b->length - header - HALO_TABLE_HEADER);
      memcpy(b->data + header + 10, &size, 4);
      break;
    }
    default:
      halo_buffer_put(b, p, (size_t)(next - p));     /* scalars, strings, userdata: as encoded */
      break;
  }
  *pp = next;
}

/* Emits a lazy proxy not yet decoded, from its blob and position at the top of the stack
** (push_lazy_slot), and pops them (never raises). */
static void emit_lazy(emitter *e, lua_State *L, int depth) {
  const uint8_t *data, *p;
  size_t at, length;
  at = (size_t)lua_tointeger(L, -1);
  lua_pop(L, 1);
  data = (const uint8_t *)lua_touserdata(L, -1);
  length = lua_rawlen(L, -1);
  if (data == NULL || at >= length) {
    put_u8(e->b, HALO_TAG_TRUNC);
    e->truncated = 1;
  } else {
    p = data + at;
    e->items--;  /* emit counted it; emit_encoded counts it again */
    emit_encoded(e, L, lua_gettop(L), &p, data + length, depth);
  }
  lua_pop(L, 1);
}

static void emit_table(emitter *e, lua_State *L, int idx, int depth) {
  halo_buffer *b = e->b;
  int frozen = halo_is_frozen(L, idx), t;
  uint32_t narr = 0, nrec = 0;
  size_t header;
  if (depth >= HALO_MAX_DEPTH || e->items > HALO_MAX_ITEMS || !lua_checkstack(L, 6)) {
    put_u8(b, HALO_TAG_TRUNC);
    e->truncated = 1;
    return;
  }
  if (frozen && push_lazy_slot(L, idx)) {           /* a lazy proxy: decoding could raise */
    emit_lazy(e, L, depth);
    return;
  }
  halo_push_backing(L, idx);
  t = lua_gettop(L);
  put_u8(b, HALO_TAG_TABLE);
  header = b->length;
  put_u32(b, 0);
  put_u32(b, 0);
  put_u8(b, frozen ? HALO_TABLE_FROZEN : 0);
  put_u32(b, 0);
  while (e->items <= HALO_MAX_ITEMS) {
    if (lua_rawgeti(L, t, (lua_Integer)narr + 1) == LUA_TNIL) { lua_pop(L, 1); break; }
    lua_pushinteger(L, (lua_Integer)narr + 1);
    emit(e, L, -1, depth + 1);
    emit(e, L, -2, depth + 1);
    lua_pop(L, 2);
    narr++;
  }
  lua_pushnil(L);
  while (lua_next(L, t)) {
    if (lua_isinteger(L, -2)) {
      lua_Integer k = lua_tointegerx(L, -2, NULL);
      if (k >= 1 && k <= (lua_Integer)narr) { lua_pop(L, 1); continue; }
    }
    if (e->items > HALO_MAX_ITEMS) { e->truncated = 1; lua_pop(L, 2); break; }
    emit(e, L, -2, depth + 1);
    emit(e, L, -1, depth + 1);
    lua_pop(L, 1);
    nrec++;
  }
  put_u8(b, HALO_TAG_END);
  memcpy(b->data + header, &narr, 4);
  memcpy(b->data + header + 4, &nrec, 4);
  {
    uint32_t size = (uint32_t)(b->length - header - (HALO_TABLE_HEADER - 1));
    memcpy(b->data + header + 9, &size, 4);
  }
  lua_settop(L, t - 1);
}

static void emit_userdata(emitter *e, lua_State *L, int idx) {
  int id = -1;
  if (lua_getmetatable(L, idx)) {
    if (lua_rawgetp(L, -1, &HALO_TYPEID) == LUA_TNUMBER) id = (int)lua_tointegerx(L, -1, NULL);
    lua_pop(L, 2);
  }
  if (id < 0 || id >= e->st->ntypes) { put_u8(e->b, HALO_TAG_OPAQUE); return; }
  put_u8(e->b, HALO_TAG_UDATA);
  put_u32(e->b, (uint32_t)id);
  put_u32(e->b, (uint32_t)lua_rawlen(L, idx));
  halo_buffer_put(e->b, lua_touserdata(L, idx), lua_rawlen(L, idx));
}

static void emit(emitter *e, lua_State *L, int idx, int depth) {
  halo_buffer *b = e->b;
  idx = lua_absindex(L, idx);
  e->items++;
  switch (lua_type(L, idx)) {
    case LUA_TNIL: put_u8(b, HALO_TAG_NIL); break;
    case LUA_TBOOLEAN: put_u8(b, lua_toboolean(L, idx) ? HALO_TAG_TRUE : HALO_TAG_FALSE); break;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        int64_t i = lua_tointegerx(L, idx, NULL);
        put_u8(b, HALO_TAG_INT);
        halo_buffer_put(b, &i, 8);
      } else {
        double d = lua_tonumberx(L, idx, NULL);
        put_u8(b, HALO_TAG_NUM);
        halo_buffer_put(b, &d, 8);
      }
      break;
    case LUA_TSTRING: {
      size_t n;
      const char *s = lua_tolstring(L, idx, &n);  /* a real string: no conversion, no allocation */
      put_u8(b, HALO_TAG_STR);
      put_u32(b, (uint32_t)n);
      halo_buffer_put(b, s, n);
      break;
    }
    case LUA_TTABLE: emit_table(e, L, idx, depth); break;
    case LUA_TUSERDATA: emit_userdata(e, L, idx); break;
    default: put_u8(b, HALO_TAG_OPAQUE); break;
  }
}

/* Appends the value at idx to b; returns 1 if a bound truncated it. */
int halo_emit_value(halo_state *st, lua_State *L, int idx, halo_buffer *b) {
  emitter e = { st, b, 0, 0 };
  emit(&e, L, idx, 0);
  return e.truncated;
}

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

/*
** Reads through a proxy: backing[k], the backing's own metatable included (what
** `__index = backing` did). A function, since the metatable is shared by every proxy.
*/
static int frozen_index(lua_State *L) {
  lua_rawgetp(L, 1, &HALO_FROZEN);      /* 3: the backing */
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
  lua_createtable(L, 0, 6);
  lua_pushcfunction(L, frozen_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, frozen_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, frozen_len);
  lua_setfield(L, -2, "__len");
  lua_pushcfunction(L, frozen_pairs);
  lua_setfield(L, -2, "__pairs");
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
  frozen = lua_rawgetp(L, idx, &HALO_FROZEN) == LUA_TTABLE;
  lua_pop(L, 1);
  if (!frozen && lua_getmetatable(L, idx)) {
    frozen = lua_rawgetp(L, -1, &HALO_FROZEN) == LUA_TTABLE;
    lua_pop(L, 2);
  }
  return frozen;
}

/* Pushes the backing table of a proxy (the load layer of an environment, or the value
** itself); never raises. */
void halo_push_backing(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) == LUA_TTABLE) {
    if (lua_rawgetp(L, idx, &HALO_FROZEN) == LUA_TTABLE) return;
    lua_pop(L, 1);
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

typedef struct reader { const uint8_t *p, *end; } reader;

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

static void push_table(lua_State *L, reader *r, int depth) {
  uint32_t narr = read_u32(L, r), nrec = read_u32(L, r);
  int frozen;
  need(L, r, 1);
  frozen = *r->p++;
  if (depth > HALO_MAX_DEPTH) luaL_error(L, "value nested too deeply");
  luaL_checkstack(L, 4, NULL);
  lua_createtable(L, narr > 65536 ? 65536 : (int)narr, nrec > 65536 ? 65536 : (int)nrec);
  for (;;) {
    need(L, r, 1);
    if (*r->p == HALO_TAG_END) { r->p++; break; }
    push_one(L, r, depth + 1);
    push_one(L, r, depth + 1);
    lua_rawset(L, -3);
  }
  if (frozen) halo_make_frozen_light(L);
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
    case HALO_TAG_REF: lua_rawgeti(L, LUA_REGISTRYINDEX, (int32_t)read_u32(L, r)); break;
    default: luaL_error(L, "malformed value buffer");
  }
}

/* Pushes every value of the buffer; returns how many. */
int halo_push_values(lua_State *L, const uint8_t *p, size_t n) {
  reader r = { p, p + n };
  int count = 0;
  while (r.p < r.end) {
    luaL_checkstack(L, 2, "too many values");
    push_one(L, &r, 0);
    count++;
  }
  return count;
}

/* ---------- encoding (never raises) ---------- */

typedef struct emitter { halo_state *st; halo_buffer *b; int items, truncated; } emitter;

static void emit(emitter *e, lua_State *L, int idx, int depth);

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
  halo_push_backing(L, idx);
  t = lua_gettop(L);
  put_u8(b, HALO_TAG_TABLE);
  header = b->length;
  put_u32(b, 0);
  put_u32(b, 0);
  put_u8(b, (uint8_t)frozen);
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

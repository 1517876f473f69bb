/*
** profile.c: the sandbox profile. Opens the safe libraries and wraps or replaces
** every function that could escape the sandbox, catch a kill, leak an address or
** run unbounded inside C (where the count hook never fires). Each decision carries
** its why and the attack test (Tests/LuaSandboxTests/AttackTests.swift) proving it.
*/
#define _DEFAULT_SOURCE  /* timegm, gmtime_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "shim.h"

/* ---------- catch points: pcall, xpcall ---------- */

static int finish_pcall(lua_State *L, int status, lua_KContext extra) {
  halo_check_kill(L, status);  /* why: kills are not catchable (attack: loopInPcallRetry) */
  if (status != LUA_OK && status != LUA_YIELD) {
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - (int)extra;
}

static int sb_pcall(lua_State *L) {
  int status;
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
  return finish_pcall(L, status, 0);
}

/* why: after a kill the script's handler never runs (attack: loopInXpcallHandler) */
static int guarded_handler(lua_State *L) {
  if (halo_get(L)->killed) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static int sb_xpcall(lua_State *L) {
  int n = lua_gettop(L), status;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, guarded_handler, 1);
  lua_replace(L, 2);
  status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
  return finish_pcall(L, status, 2);
}

/* ---------- load ---------- */

typedef struct piece_reader { int first, binary; } piece_reader;

static const char *read_piece(lua_State *L, void *ud, size_t *size) {
  piece_reader *r = (piece_reader *)ud;
  const char *s;
  luaL_checkstack(L, 2, "too many nested functions");
  lua_pushvalue(L, 1);
  lua_call(L, 0, 1);
  if (lua_isnil(L, -1)) { lua_pop(L, 1); *size = 0; return NULL; }
  if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "reader function must return a string");
  lua_replace(L, 5);
  s = lua_tolstring(L, 5, size);
  halo_charge(L, (int64_t)*size);  /* the parser's work, paid per piece */
  if (r->first && *size > 0) {
    r->first = 0;
    if (s[0] == LUA_SIGNATURE[0]) { r->binary = 1; *size = 0; return NULL; }
  }
  return s;
}

/*
** load: text only; the chunk gets the caller's plain-table env or a fresh
** environment over the read-only globals, never the real global table.
*/
static int sb_load(lua_State *L) {
  int has_env = !lua_isnone(L, 4), status;
  const char *mode = luaL_optstring(L, 3, "t");
  piece_reader r = { 1, 0 };
  /* why: bytecode can break the VM's invariants (attacks: loadBytecodeString, loadBinaryMode) */
  if (strchr(mode, 'b') != NULL) return halo_raise_forbidden(L, "binary chunks are not loadable");
  /* why: an env with a metatable could chain back to shared tables (attack: loadEnvEscape) */
  if (has_env && !lua_isnil(L, 4) && (lua_type(L, 4) != LUA_TTABLE || lua_getmetatable(L, 4)))
    return halo_raise_forbidden(L, "load env must be a plain table");
  if (lua_type(L, 1) == LUA_TSTRING) {
    size_t l;
    const char *s = lua_tolstring(L, 1, &l);
    const char *name = luaL_optstring(L, 2, s);
    if (l > 0 && s[0] == LUA_SIGNATURE[0]) return halo_raise_forbidden(L, "binary chunks are not loadable");
    halo_charge(L, (int64_t)l);  /* why: the parser runs in C, unhooked (attack: loadHugeSourceLoop) */
    status = luaL_loadbufferx(L, s, l, name, "t");
  } else {
    const char *name = luaL_optstring(L, 2, "=(load)");
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 5);
    status = lua_load(L, read_piece, &r, name, "t");
  }
  halo_check_kill(L, status);  /* why: the parser is protected; a kill inside the reader must not stop there */
  if (r.binary) return halo_raise_forbidden(L, "binary chunks are not loadable");
  if (status != LUA_OK) {
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
  }
  if (has_env) lua_pushvalue(L, 4);
  else halo_new_env(L);
  if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  return 1;
}

/* ---------- tostring, print ---------- */

/* why: "table: 0x..." leaks heap addresses; objects get a per-state counter id (test: noAddressLeaks) */
int halo_tostring(lua_State *L) {
  halo_state *st = halo_get(L);
  const char *name;
  lua_Integer id;
  luaL_checkany(L, 1);
  switch (lua_type(L, 1)) {
    case LUA_TNIL: case LUA_TBOOLEAN: case LUA_TNUMBER: case LUA_TSTRING:
      luaL_tolstring(L, 1, NULL);
      return 1;
  }
  if (luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
    /* what luaL_tolstring does with it (calls it, requires a string or a number, converts a
    ** number), without looking the metafield up a second time */
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    if (!lua_isstring(L, -1)) luaL_error(L, "'__tostring' must return a string");
    lua_tolstring(L, -1, NULL);
    return 1;
  }
  name = luaL_typename(L, 1);
  if (lua_type(L, 1) == LUA_TUSERDATA && lua_getmetatable(L, 1)) {
    if (lua_rawgetp(L, -1, &HALO_TYPEID) == LUA_TNUMBER) {
      lua_Integer t = lua_tointegerx(L, -1, NULL);
      if (t >= 0 && t < st->ntypes) name = st->type_name[t];
    }
    lua_pop(L, 2);
  }
  lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_IDS);
  lua_pushvalue(L, 1);
  if (lua_rawget(L, -2) == LUA_TNUMBER) {
    id = lua_tointegerx(L, -1, NULL);
  } else {
    id = ++st->tostring_ids;
    lua_pushvalue(L, 1);
    lua_pushinteger(L, id);
    lua_rawset(L, -4);
  }
  lua_pushfstring(L, "%s: #%I", name, (LUAI_UACINT)id);
  return 1;
}

static void to_text(lua_State *L, int i) {
  lua_pushcfunction(L, halo_tostring);
  lua_pushvalue(L, i);
  lua_call(L, 1, 1);
  lua_replace(L, i);
}

/* why: scripts have no stdout; output goes to a bounded log the host reads (test: printIsCaptured) */
static int sb_print(lua_State *L) {
  halo_state *st = halo_get(L);
  int n = lua_gettop(L), i;
  size_t len;
  const char *line;
  luaL_Buffer b;
  for (i = 1; i <= n; i++) to_text(L, i);
  luaL_buffinit(L, &b);
  for (i = 1; i <= n; i++) {
    if (i > 1) luaL_addchar(&b, '\t');
    lua_pushvalue(L, i);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  line = lua_tolstring(L, -1, &len);
  if (st->log.length + len + 4 <= HALO_LOG_CAP) {
    uint32_t l32 = (uint32_t)len;
    halo_buffer_put(&st->log, &l32, 4);
    halo_buffer_put(&st->log, line, len);
  }
  return 0;
}

/* ---------- metatables, raw writes, collectgarbage ---------- */

static int sb_setmetatable(lua_State *L) {
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (halo_is_frozen(L, 1)) return halo_raise_forbidden(L, "cannot change the metatable of a read-only table");
  /* why: finalizers run outside any call's budget (attack: loopInGcFinalizer); Lua marks
  ** objects for finalization only if __gc is present when the metatable is set */
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL) return halo_raise_forbidden(L, "__gc metamethods are not available");
    lua_pop(L, 1);
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
    return luaL_error(L, "cannot change a protected metatable");
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

/* why: rawset bypasses __newindex; read-only proxies must stay empty (attack: rawsetLibrary) */
static int sb_rawset(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  if (halo_is_frozen(L, 1)) return halo_raise_forbidden(L, "cannot write a read-only table");
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

/* why: a full collection is unbudgeted work and GC tuning is global (attack: collectgarbageDuringLoad) */
/* why: a proxy keeps its backing under a key no script can name; `next` over a proxy walks
** the backing instead, so it neither hands out that key nor sees an empty table
** (test: nextOverAReadOnlyTableSeesItsContents). */
static int sb_next(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (halo_is_frozen(L, 1)) {
    halo_push_backing(L, 1);
    lua_replace(L, 1);
  }
  if (lua_next(L, 1)) return 2;
  lua_pushnil(L);
  return 1;
}

static int pairs_continue(lua_State *L, int status, lua_KContext k) {
  (void)L; (void)status; (void)k;
  return 3;
}

/* why: Lua's own pairs hands out Lua's raw `next` for a table without __pairs
** (`local rawnext = pairs({})`), and that next, applied to a read-only proxy, walks its hidden
** slots: the backing table of a light proxy, writable (attack: rawNextFromPairs). The
** iterator handed out here is always the sandbox's next, which walks a proxy's contents. */
static int sb_pairs(lua_State *L) {
  luaL_checkany(L, 1);
  if (luaL_getmetafield(L, 1, "__pairs") == LUA_TNIL) {
    lua_pushcfunction(L, sb_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
  } else {
    lua_pushvalue(L, 1);
    lua_callk(L, 1, 3, 0, pairs_continue);
  }
  return 3;
}

static int sb_collectgarbage(lua_State *L) {
  const char *opt = luaL_optstring(L, 1, "collect");
  if (strcmp(opt, "count") != 0)
    return halo_raise_forbidden(L, "collectgarbage(\"%s\") is not available", opt);
  lua_pushnumber(L, (lua_Number)lua_gc(L, LUA_GCCOUNT, 0) + lua_gc(L, LUA_GCCOUNTB, 0) / 1024.0);
  return 1;
}

/* The globals' __index: removed capabilities say so instead of reading as nil. */
static int global_index(lua_State *L) {
  static const char *const removed[] = { "io", "debug", "package", "dofile", "loadfile",
                                         "loadstring", "module", "setfenv", "getfenv", NULL };
  if (lua_type(L, 2) == LUA_TSTRING) {
    const char *k = lua_tostring(L, 2);
    for (int i = 0; removed[i] != NULL; i++)
      if (strcmp(k, removed[i]) == 0)  /* why: attack tests reachIo, reachDebug, reachPackage */
        return halo_raise_forbidden(L, "'%s' is not available in the sandbox", k);
  }
  return 0;
}

/* ---------- require ---------- */

static int valid_module_name(const char *n, size_t l) {
  if (l == 0 || l > 200 || strlen(n) != l || n[0] == '.' || strstr(n, "..") != NULL) return 0;
  for (size_t i = 0; i < l; i++) {
    char c = n[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '_' || c == '.' || c == '-'))
      return 0;  /* excludes '/', '\\' and every other path syntax */
  }
  return 1;
}

static int load_module_file(lua_State *L, const char *name, const char *path) {
  FILE *f = fopen(path, "rb");
  long size;
  void *buffer;
  char chunk[260];
  int status;
  if (f == NULL) return 0;
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return 0;
  }
  buffer = lua_newuserdatauv(L, (size_t)size + 1, 0);  /* charged to the budget, freed by GC */
  if (size > 0 && fread(buffer, 1, (size_t)size, f) != (size_t)size) {
    fclose(f);
    return luaL_error(L, "cannot read module '%s'", name);
  }
  fclose(f);
  snprintf(chunk, sizeof chunk, "=%s", path + strlen(path) - strlen(name) - 4);  /* "a/b.lua" */
  if (size > 0 && ((char *)buffer)[0] == LUA_SIGNATURE[0])
    return halo_raise_forbidden(L, "binary chunks are not loadable");
  halo_charge(L, (int64_t)size);  /* parsing runs in C, unhooked */
  status = luaL_loadbufferx(L, buffer, (size_t)size, chunk, "t");
  halo_check_kill(L, status);
  if (status != LUA_OK) return lua_error(L);
  halo_new_env(L);  /* a module's globals are its own; it sees the read-only base */
  lua_setupvalue(L, -2, 1);
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  return 1;
}

/*
** require: cached per state; host modules first, then <root>/a/b.lua for "a.b".
** why: no path syntax, no removed libraries (attacks: requireTraversal, requireOs)
*/
static int sb_require(lua_State *L) {
  static const char *const builtin[] = { "string", "table", "math", "utf8", "coroutine", NULL };
  static const char *const removed[] = { "io", "os", "debug", "package", NULL };
  halo_state *st = halo_get(L);
  size_t l;
  const char *name = luaL_checklstring(L, 1, &l);
  lua_settop(L, 1);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_LOADED);  /* 2 */
  if (lua_getfield(L, 2, name) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  for (int i = 0; builtin[i] != NULL; i++)
    if (strcmp(name, builtin[i]) == 0) {
      lua_pushglobaltable(L);
      lua_getfield(L, -1, name);
      return 1;
    }
  for (int i = 0; removed[i] != NULL; i++)
    if (strcmp(name, removed[i]) == 0)
      return halo_raise_forbidden(L, "module '%s' is not available in the sandbox", name);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_PRELOAD);
  if (lua_getfield(L, -1, name) != LUA_TNIL) return 1;
  lua_pop(L, 2);
  if (!valid_module_name(name, l))
    return halo_raise_forbidden(L, "module name '%s' is outside the module roots", name);
  for (int r = 0; r < st->nroots; r++) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, st->roots[r]);
    luaL_addchar(&b, '/');
    luaL_addgsub(&b, name, ".", "/");
    luaL_addstring(&b, ".lua");
    luaL_pushresult(&b);  /* 3 */
    if (load_module_file(L, name, lua_tostring(L, 3))) {
      if (lua_isnil(L, -1)) { lua_pop(L, 1); lua_pushboolean(L, 1); }
      if (lua_type(L, -1) == LUA_TTABLE) halo_make_deep_frozen(L);
      lua_pushvalue(L, -1);
      lua_setfield(L, 2, name);
      return 1;
    }
    lua_settop(L, 2);
  }
  return luaL_error(L, "module '%s' not found in the module roots", name);
}

/* ---------- string, utf8, table: work done inside C is charged ---------- */

enum { CH_PLAIN, CH_UTF8, CH_FIND, CH_MATCH, CH_GSUB, CH_FORMAT, CH_TMOVE, CH_TRANGE, CH_TLEN, CH_TSORT,
       CH_TCONCAT };

/* Worst-case steps of Lua's backtracking matcher: (n+1)^k where k counts the
** quantifiers that can backtrack (a final one cannot) plus one for the start
** positions of an unanchored search. */
static double pattern_steps(const char *p, size_t lp, size_t ls, int plain) {
  int anchored = lp > 0 && p[0] == '^', q = 0;
  double steps = 1;
  if (plain || strpbrk(p, "^$*+?.([%-") == NULL) return ((double)ls + 1) * ((double)lp + 1);
  for (size_t i = anchored ? 1 : 0; i < lp; i++) {
    char c = p[i];
    if (c == '%') {
      if (i + 1 < lp && p[i + 1] == 'b') { q++; i += 3; }
      else i++;
    } else if (c == '[') {
      i++;
      if (i < lp && p[i] == '^') i++;
      do {
        if (i < lp && p[i] == '%') i++;
        i++;
      } while (i < lp && p[i] != ']');
    } else if (c == '*' || c == '+' || c == '-' || c == '?') {
      int last = (i + 1 == lp) || (i + 2 == lp && p[i + 1] == '$');
      if (!last) q++;
    }
  }
  for (int k = q + (anchored ? 0 : 1); k > 0 && steps < 1e18; k--) steps *= (double)ls + 1;
  return steps;
}

static int64_t clamp_units(double units) { return units > 4e18 ? (int64_t)4e18 : (int64_t)units; }

/* why: '%p' prints an address; tables without __tostring print an id, not %p (attack: formatPointer) */
static void prepare_format(lua_State *L) {
  size_t lf;
  const char *f = luaL_checklstring(L, 1, &lf), *end = f + lf;
  int arg = 1;
  for (; f < end; f++) {
    if (*f != '%') continue;
    if (++f < end && *f == '%') continue;
    arg++;
    while (f < end && strchr("-+ #0123456789.", *f) != NULL) f++;
    if (f >= end) break;
    if (*f == 'p') halo_raise_forbidden(L, "string.format('%%p') is not available");
    if (*f == 's' && arg <= lua_gettop(L) && lua_type(L, arg) != LUA_TSTRING &&
        lua_type(L, arg) != LUA_TNUMBER)
      to_text(L, arg);
  }
}

static int64_t table_units(lua_State *L, int kind) {
  lua_Integer f, e;
  if (kind == CH_TMOVE) {  /* why: table.move loops e-f times with no allocation (attack: tableMoveHuge) */
    f = luaL_checkinteger(L, 2);
    e = luaL_checkinteger(L, 3);
    return e >= f ? clamp_units((double)e - (double)f + 1) : 0;
  }
  if (lua_type(L, 1) != LUA_TTABLE) return 0;  /* the stock code refuses the rest */
  if (kind == CH_TRANGE || kind == CH_TCONCAT) {  /* unpack/concat: i..j, j defaulting to #t */
    int first = kind == CH_TCONCAT ? 3 : 2;  /* concat(t, sep, i, j) */
    f = luaL_optinteger(L, first, 1);
    e = lua_isnoneornil(L, first + 1) ? luaL_len(L, 1) : luaL_checkinteger(L, first + 1);
    if (e < f) return 0;
    /* why: concat loops i..j in C, one __index call per element, however wide the range
    ** (attack: concatIndexHugeRange); unpack beyond the stack limit refuses on its own
    ** ("too many results") before looping */
    if (kind == CH_TCONCAT) return clamp_units((double)e - (double)f + 1);
    return (double)e - (double)f < LUAI_MAXSTACK ? (int64_t)(e - f + 1) : 0;
  }
  if (kind == CH_TSORT) {
    double n = (double)luaL_len(L, 1), lg = 1;
    for (double m = n; m > 1; m /= 2) lg++;
    return clamp_units(n * lg);
  }
  /* insert/remove shift up to #t elements; #t as the stock code sees it, __len included
  ** why: a __len of 1e15 makes them loop without allocating (attack: tableInsertHugeLen) */
  return clamp_units((double)luaL_len(L, 1));
}

/* A library function behind a charge: upvalue 1 the original, upvalue 2 its kind. */
static int charged(lua_State *L) {
  int kind = (int)lua_tointegerx(L, lua_upvalueindex(2), NULL), n = lua_gettop(L);
  int64_t bytes = 0, units;
  for (int i = 1; i <= n; i++)
    if (lua_type(L, i) == LUA_TSTRING) bytes += (int64_t)lua_rawlen(L, i);
  /* why: C scans are invisible to the hook (attack: utf8ScanLoop); utf8 decodes every byte */
  units = 1 + (kind == CH_UTF8 ? bytes >> 2 : bytes >> 4);
  if (kind == CH_FIND || kind == CH_MATCH || kind == CH_GSUB) {
    /* why: backtracking patterns run unbounded in C (attacks: patternFindBacktracking, patternGsubBacktracking) */
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls), *p = luaL_checklstring(L, 2, &lp);
    (void)s;
    units += clamp_units(pattern_steps(p, lp, ls, kind == CH_FIND && lua_toboolean(L, 4)) / 4);
  } else if (kind == CH_FORMAT) {
    prepare_format(L);
  } else if (kind >= CH_TMOVE) {
    units += table_units(L, kind);
  }
  halo_charge(L, units);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

/* string.rep: the size is checked before any work. */
static int sb_rep(lua_State *L) {
  halo_state *st = halo_get(L);
  size_t l, lsep;
  luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0 || l + lsep == 0) {  /* why: stock rep loops n times over empty copies (attack: stringRepEmptyHugeCount) */
    lua_pushliteral(L, "");
    return 1;
  }
  double total = (double)l * (double)n + (double)lsep * ((double)n - 1);
  /* why: refuse before allocating or copying (attacks: memoryStringRepHuge, memoryStringRepHugeWithSeparator) */
  if (st->limit_on && total > (double)st->limit - (double)st->used) return halo_raise_kill(L, KILL_MEMORY);
  halo_charge(L, clamp_units(total / 64));
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* why: string.dump exposes bytecode, the way back into the VM (attack: stringDump) */
static int sb_dump(lua_State *L) {
  return halo_raise_forbidden(L, "string.dump is not available");
}

static void wrap_library(lua_State *L, int t, int (*kind_of)(const char *)) {
  lua_pushnil(L);
  while (lua_next(L, t)) {
    if (lua_type(L, -2) == LUA_TSTRING && lua_iscfunction(L, -1)) {
      lua_pushinteger(L, kind_of(lua_tostring(L, -2)));
      lua_pushcclosure(L, charged, 2);
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, t);
    } else {
      lua_pop(L, 1);
    }
  }
}

static int string_kind(const char *name) {
  if (strcmp(name, "find") == 0) return CH_FIND;
  if (strcmp(name, "match") == 0 || strcmp(name, "gmatch") == 0) return CH_MATCH;
  if (strcmp(name, "gsub") == 0) return CH_GSUB;
  if (strcmp(name, "format") == 0) return CH_FORMAT;
  return CH_PLAIN;
}

static int table_kind(const char *name) {
  if (strcmp(name, "move") == 0) return CH_TMOVE;
  if (strcmp(name, "unpack") == 0) return CH_TRANGE;
  if (strcmp(name, "concat") == 0) return CH_TCONCAT;
  if (strcmp(name, "sort") == 0) return CH_TSORT;
  if (strcmp(name, "insert") == 0 || strcmp(name, "remove") == 0) return CH_TLEN;
  return CH_PLAIN;
}

static int utf8_kind(const char *name) { (void)name; return CH_UTF8; }

/* ---------- math ---------- */

/* why: an unseeded randomseed() reads the clock; the seed comes from configuration (test: mathRandomIsDeterministic) */
static int sb_randomseed(lua_State *L) {
  halo_get(L)->reseed_pending = 0;
  if (lua_isnone(L, 1)) lua_pushinteger(L, (lua_Integer)halo_get(L)->seed);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 0);
  return 0;
}

/* math.random: the first draw of a call reseeds with the configured seed. */
static int sb_random(lua_State *L) {
  halo_state *st = halo_get(L);
  if (st->reseed_pending) {
    st->reseed_pending = 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_RANDOMSEED);
    lua_pushinteger(L, (lua_Integer)st->seed);
    lua_call(L, 1, 0);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* ---------- coroutines ---------- */

static int co_create(lua_State *L) {
  lua_State *co;
  luaL_checktype(L, 1, LUA_TFUNCTION);
  halo_charge(L, HALO_CO_STEP);  /* why: prepays the new thread's first hook period */
  co = lua_newthread(L);
  /* why: every thread carries the budget hook (attacks: loopInCoroutineCreatedBeforeTheCall, loopInCoroutineCaughtByResume) */
  lua_sethook(co, halo_hook, HALO_HOOK_MASK(co), HALO_CO_STEP);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  return 1;
}

/* Resumes co with narg values from L; returns the result count, or -1 with the error on top. */
static int resume_thread(lua_State *L, lua_State *co, int narg) {
  halo_state *st = halo_get(L);
  lua_State *previous;
  int status = lua_status(co), nres;
  lua_Debug ar;
  if (co == L || (status == LUA_OK && lua_getstack(co, 0, &ar))) {
    lua_pushliteral(L, "cannot resume non-suspended coroutine");
    return -1;
  }
  if ((status == LUA_OK && lua_gettop(co) == 0) || (status != LUA_OK && status != LUA_YIELD)) {
    lua_pushliteral(L, "cannot resume dead coroutine");
    return -1;
  }
  if (!lua_checkstack(co, narg)) {
    lua_pushliteral(L, "too many arguments to resume");
    return -1;
  }
  if (lua_gethook(co) != halo_hook) lua_sethook(co, halo_hook, HALO_HOOK_MASK(co), HALO_CO_STEP);
  lua_xmove(L, co, narg);
  previous = st->running;
  st->running = co;
  status = lua_resume(co, L, narg, &nres);
  st->running = previous;
  halo_check_kill(L, status);  /* why: resume catches errors; kills go on (attacks: loopInCoroutineCreatedBeforeTheCall, loopInCoroutineCaughtByResume) */
  if (status == LUA_OK || status == LUA_YIELD) {
    if (!lua_checkstack(L, nres + 1)) {
      lua_pop(co, nres);
      lua_pushliteral(L, "too many results to resume");
      return -1;
    }
    lua_xmove(co, L, nres);
    return nres;
  }
  lua_xmove(co, L, 1);
  return -1;
}

static int co_resume(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  int r;
  luaL_argexpected(L, co != NULL, 1, "coroutine");
  r = resume_thread(L, co, lua_gettop(L) - 1);
  if (r < 0) {
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, -(r + 1));
  return r + 1;
}

static int co_wrapped(lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(1));
  int r = resume_thread(L, co, lua_gettop(L));
  if (r < 0) {
    int status = lua_status(co);
    if (status != LUA_OK && status != LUA_YIELD) {  /* it died: run its pending __close */
      status = lua_resetthread(co);
      halo_check_kill(L, status);
      if (status != LUA_OK && lua_gettop(co) > 0) {  /* a __close error replaces the error */
        lua_pop(L, 1);
        lua_xmove(co, L, 1);
      }
    }
    if (lua_type(L, -1) == LUA_TSTRING) {
      luaL_where(L, 1);
      lua_insert(L, -2);
      lua_concat(L, 2);
    }
    return lua_error(L);
  }
  return r;
}

static int co_wrap(lua_State *L) {
  co_create(L);
  lua_pushcclosure(L, co_wrapped, 1);
  return 1;
}

static int co_close(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  /* why: close reports errors of __close handlers as values; a kill goes on */
  if (lua_gettop(L) >= 2 && lua_type(L, 2) == LUA_TSTRING &&
      strcmp(lua_tostring(L, 2), "not enough memory") == 0)
    halo_check_kill(L, LUA_ERRMEM);
  halo_check_kill(L, LUA_OK);
  return lua_gettop(L);
}

/* ---------- os: the injected clock only ---------- */

static int field(lua_State *L, const char *key, int d) {
  int isnum, t = lua_getfield(L, 1, key);
  lua_Integer v = lua_tointegerx(L, -1, &isnum);
  lua_pop(L, 1);
  if (!isnum) {
    if (t != LUA_TNIL || d < 0) return luaL_error(L, "field '%s' missing in date table", key);
    return d;
  }
  if (v < -1000000 || v > 1000000) return luaL_error(L, "field '%s' is out-of-bound", key);
  return (int)v;
}

/* why: the host clock is simulated; reading the real one breaks replay (test: osTimeAndDateReadTheInjectedClock) */
static int os_time(lua_State *L) {
  struct tm tm;
  if (lua_isnoneornil(L, 1)) {
    lua_pushinteger(L, (lua_Integer)halo_get(L)->clock);
    return 1;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  memset(&tm, 0, sizeof tm);
  tm.tm_year = field(L, "year", -1) - 1900;
  tm.tm_mon = field(L, "month", -1) - 1;
  tm.tm_mday = field(L, "day", -1);
  tm.tm_hour = field(L, "hour", 12);
  tm.tm_min = field(L, "min", 0);
  tm.tm_sec = field(L, "sec", 0);
  lua_pushinteger(L, (lua_Integer)timegm(&tm));
  return 1;
}

static void set_field(lua_State *L, const char *key, int value) {
  lua_pushinteger(L, value);
  lua_setfield(L, -2, key);
}

/* why: always UTC, so the host's time zone neither leaks nor changes results */
static int os_date(lua_State *L) {
  size_t lf;
  const char *f = luaL_optlstring(L, 1, "%c", &lf), *end;
  time_t t = (time_t)luaL_optinteger(L, 2, (lua_Integer)halo_get(L)->clock);
  struct tm tm;
  luaL_Buffer b;
  end = f + lf;
  if (*f == '!') f++;
  if (gmtime_r(&t, &tm) == NULL) return luaL_error(L, "date result cannot be represented");
  if (strcmp(f, "*t") == 0) {
    lua_createtable(L, 0, 9);
    set_field(L, "year", tm.tm_year + 1900);
    set_field(L, "month", tm.tm_mon + 1);
    set_field(L, "day", tm.tm_mday);
    set_field(L, "hour", tm.tm_hour);
    set_field(L, "min", tm.tm_min);
    set_field(L, "sec", tm.tm_sec);
    set_field(L, "yday", tm.tm_yday + 1);
    set_field(L, "wday", tm.tm_wday + 1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "isdst");
    return 1;
  }
  luaL_buffinit(L, &b);
  for (; f < end; f++) {
    char spec[3] = { '%', 0, 0 }, out[64];
    if (*f != '%') { luaL_addchar(&b, *f); continue; }
    if (++f >= end || strchr("aAbBcdHIjmMpSUwWxXyYZ%", *f) == NULL)
      return luaL_error(L, "invalid conversion specifier in os.date format");
    spec[1] = *f;
    luaL_addlstring(&b, out, strftime(out, sizeof out, spec, &tm));
  }
  luaL_pushresult(&b);
  return 1;
}

static int os_difftime(lua_State *L) {
  lua_pushnumber(L, (lua_Number)luaL_checkinteger(L, 1) - (lua_Number)luaL_optinteger(L, 2, 0));
  return 1;
}

/* os proxy __index: anything but the clock is a removed capability. */
static int os_index(lua_State *L) {
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  /* why: os.execute/getenv/exit/remove reach the host (attack: reachOsExecute) */
  return halo_raise_forbidden(L, "os.%s is not available in the sandbox",
                              lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
}

/* ---------- assembly ---------- */

void halo_new_env(lua_State *L) {
  lua_newtable(L);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_BASEMT);
  lua_setmetatable(L, -2);
}

static void replace(lua_State *L, int t, const char *name, lua_CFunction f, int keep_original) {
  if (keep_original) lua_getfield(L, t, name);
  lua_pushcclosure(L, f, keep_original);
  lua_setfield(L, t, name);
}

/* Pops a library table, publishes a read-only proxy of it as global `name`. */
static void publish(lua_State *L, int g, const char *name) {
  halo_make_frozen(L);
  lua_setfield(L, g, name);
}

static int open_library(lua_State *L, const char *name, lua_CFunction open) {
  luaL_requiref(L, name, open, 0);
  return lua_gettop(L);
}

int halo_open_profile(lua_State *L) {
  static const char *const dropped[] = { "dofile", "loadfile", "warn", "_G", NULL };
  halo_state *st = halo_get(L);
  int g, t;
  lua_newtable(L);
  halo_make_frozen(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &HALO_STUB);
  halo_push_proxy_metatable(L);  /* made with the stub above: now it can point at it */
  lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_STUB);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
  lua_pushliteral(L, "sandbox budget exhausted");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &HALO_KILLMSG);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &HALO_LOADED);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &HALO_PRELOAD);
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &HALO_IDS);

  g = open_library(L, "_G", luaopen_base);
  for (int i = 0; dropped[i] != NULL; i++) {  /* why: no file access, no raw global table (attack: reachDofile) */
    lua_pushnil(L);
    lua_setfield(L, g, dropped[i]);
  }
  replace(L, g, "pcall", sb_pcall, 0);
  replace(L, g, "xpcall", sb_xpcall, 0);
  replace(L, g, "load", sb_load, 0);
  replace(L, g, "tostring", halo_tostring, 0);
  replace(L, g, "print", sb_print, 0);
  replace(L, g, "setmetatable", sb_setmetatable, 0);
  replace(L, g, "rawset", sb_rawset, 0);
  replace(L, g, "collectgarbage", sb_collectgarbage, 0);
  replace(L, g, "require", sb_require, 0);
  replace(L, g, "pairs", sb_pairs, 0);
  replace(L, g, "next", sb_next, 0);

  t = open_library(L, "string", luaopen_string);
  wrap_library(L, t, string_kind);
  lua_getfield(L, t, "rep");
  lua_getupvalue(L, -1, 1);  /* the original rep, from under its charge */
  lua_pushcclosure(L, sb_rep, 1);
  lua_setfield(L, t, "rep");
  lua_pop(L, 1);
  replace(L, t, "dump", sb_dump, 0);
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);  /* why: the string metatable is shared by every policy (attack: stringMetatableTampering) */
  lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_STUB);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
  publish(L, g, "string");

  t = open_library(L, "table", luaopen_table);
  wrap_library(L, t, table_kind);
  halo_checkpointed_table_functions(L, t);
  publish(L, g, "table");

  t = open_library(L, "utf8", luaopen_utf8);
  wrap_library(L, t, utf8_kind);
  publish(L, g, "utf8");

  t = open_library(L, "math", luaopen_math);
  lua_getfield(L, t, "randomseed");
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &HALO_RANDOMSEED);
  lua_pushinteger(L, (lua_Integer)st->seed);
  lua_call(L, 1, 0);
  replace(L, t, "randomseed", sb_randomseed, 1);
  replace(L, t, "random", sb_random, 1);
  publish(L, g, "math");

  t = open_library(L, "coroutine", luaopen_coroutine);
  replace(L, t, "create", co_create, 0);
  replace(L, t, "resume", co_resume, 0);
  replace(L, t, "wrap", co_wrap, 0);
  replace(L, t, "close", co_close, 1);
  publish(L, g, "coroutine");

  lua_createtable(L, 0, 3);
  t = lua_gettop(L);
  replace(L, t, "time", os_time, 0);
  replace(L, t, "date", os_date, 0);
  replace(L, t, "difftime", os_difftime, 0);
  lua_pushvalue(L, t);
  halo_make_frozen(L);
  lua_getmetatable(L, -1);
  lua_pushvalue(L, t);
  lua_pushcclosure(L, os_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  lua_setfield(L, g, "os");
  lua_pop(L, 1);

  lua_createtable(L, 0, 1);  /* the globals' metatable: removed names raise */
  lua_pushcfunction(L, global_index);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, g);
  lua_createtable(L, 0, 1);  /* {__index = globals}: base of every fresh environment */
  lua_pushvalue(L, g);
  lua_setfield(L, -2, "__index");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &HALO_BASEMT);
  lua_settop(L, 0);
  return 0;
}

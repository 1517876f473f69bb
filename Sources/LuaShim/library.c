/*
** library.c: the table functions that loop over an index range in C, with checkpoints.
**
** table.concat, table.move, table.insert and table.remove walk a range whose length a
** script chooses (an __len of 2^40, or explicit bounds), calling __index/__newindex per
** element, and no count hook fires inside C. The range is charged to the instruction
** budget before the work starts (profile.c, `charged`); these copies of Lua 5.4's ltablib.c
** (MIT licence, same results, same messages) also stop at a checkpoint every 1024 elements,
** where a pending kill or the wall-time deadline ends the call while it runs.
** why: attacks concatIndexHugeRange, concatIndexHugeRangeWallTime, moveIndexHugeRange.
*/
#include "shim.h"

#define TAB_R 1
#define TAB_W 2
#define TAB_L 4
#define TAB_RW (TAB_R | TAB_W)
#define CHECK_EVERY 1024

static int checkfield(lua_State *L, const char *key, int n) {
  lua_pushstring(L, key);
  return (lua_rawget(L, -n) != LUA_TNIL);
}

/* ltablib's checktab: a table, or anything whose metatable has the needed metamethods. */
static void checktab(lua_State *L, int arg, int what) {
  if (lua_type(L, arg) != LUA_TTABLE) {
    int n = 1;
    if (lua_getmetatable(L, arg) && (!(what & TAB_R) || checkfield(L, "__index", ++n)) &&
        (!(what & TAB_W) || checkfield(L, "__newindex", ++n)) &&
        (!(what & TAB_L) || checkfield(L, "__len", ++n))) {
      lua_pop(L, n);
    } else {
      luaL_checktype(L, arg, LUA_TTABLE);
    }
  }
}

static lua_Integer aux_getn(lua_State *L, int n, int w) {
  checktab(L, n, w | TAB_L);
  return luaL_len(L, n);
}

static void checkpoint(lua_State *L, lua_Integer step) {
  if ((step & (CHECK_EVERY - 1)) == 0) halo_checkpoint(L);
}

static int lib_insert(lua_State *L) {
  lua_Integer pos;
  lua_Integer e = aux_getn(L, 1, TAB_RW);
  e = (lua_Integer)((lua_Unsigned)e + 1u);  /* first empty element */
  switch (lua_gettop(L)) {
    case 2: pos = e; break;
    case 3: {
      lua_Integer i;
      pos = luaL_checkinteger(L, 2);
      luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
      for (i = e; i > pos; i--) {
        checkpoint(L, i);
        lua_geti(L, 1, i - 1);
        lua_seti(L, 1, i);
      }
      break;
    }
    default: return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua_seti(L, 1, pos);
  return 0;
}

static int lib_remove(lua_State *L) {
  lua_Integer size = aux_getn(L, 1, TAB_RW);
  lua_Integer pos = luaL_optinteger(L, 2, size);
  if (pos != size)
    luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2, "position out of bounds");
  lua_geti(L, 1, pos);
  for (; pos < size; pos++) {
    checkpoint(L, pos);
    lua_geti(L, 1, pos + 1);
    lua_seti(L, 1, pos);
  }
  lua_pushnil(L);
  lua_seti(L, 1, pos);
  return 1;
}

static int lib_move(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);
  lua_Integer t = luaL_checkinteger(L, 4);
  int tt = !lua_isnoneornil(L, 5) ? 5 : 1;
  checktab(L, 1, TAB_R);
  checktab(L, tt, TAB_W);
  if (e >= f) {
    lua_Integer n, i;
    luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
    n = e - f + 1;
    luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
    if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
      for (i = 0; i < n; i++) {
        checkpoint(L, i);
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
      }
    } else {
      for (i = n - 1; i >= 0; i--) {
        checkpoint(L, i);
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
      }
    }
  }
  lua_pushvalue(L, tt);
  return 1;
}

static void addfield(lua_State *L, luaL_Buffer *b, lua_Integer i) {
  lua_geti(L, 1, i);
  if (!lua_isstring(L, -1))
    luaL_error(L, "invalid value (at index %I) in table for 'concat'", (LUAI_UACINT)i);
  luaL_addvalue(b);
}

static int lib_concat(lua_State *L) {
  luaL_Buffer b;
  lua_Integer last = aux_getn(L, 1, TAB_R);
  size_t lsep;
  const char *sep = luaL_optlstring(L, 2, "", &lsep);
  lua_Integer i = luaL_optinteger(L, 3, 1);
  last = luaL_optinteger(L, 4, last);
  luaL_buffinit(L, &b);
  for (; i < last; i++) {
    checkpoint(L, i);
    addfield(L, &b, i);
    luaL_addlstring(&b, sep, lsep);
  }
  if (i == last) addfield(L, &b, i);
  luaL_pushresult(&b);
  return 1;
}

/* Replaces the originals under the charges of table t (at index t) by the checkpointed copies. */
void halo_checkpointed_table_functions(lua_State *L, int t) {
  static const luaL_Reg functions[] = {
    { "insert", lib_insert }, { "remove", lib_remove }, { "move", lib_move }, { "concat", lib_concat },
    { NULL, NULL }
  };
  for (const luaL_Reg *r = functions; r->name != NULL; r++) {
    lua_getfield(L, t, r->name);  /* the charged wrapper; upvalue 1 is the function it calls */
    lua_pushcfunction(L, r->func);
    if (lua_setupvalue(L, -2, 1) == NULL) lua_pop(L, 1);
    lua_pop(L, 1);
  }
}

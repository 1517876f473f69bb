/*
** host.c: the entry points Swift calls. Each runs its Lua work under lua_pcall
** with a C function on top, so every raise lands in C; results and errors are
** copied into C buffers the Swift side reads after the call returns.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "shim.h"

/* ---------- state ---------- */

halo_state *halo_open(halo_host_callback callback, void *context, uint64_t seed) {
  halo_state *st = calloc(1, sizeof *st);
  lua_State *L;
  if (st == NULL) return NULL;
  st->callback = callback;
  st->context = context;
  st->seed = seed;
  st->instruction_limit = 10000000;
  st->memory_limit = 16 << 20;
  st->wall_ms = 250;
  L = lua_newstate(halo_alloc, st);
  if (L == NULL) { free(st); return NULL; }
  *(halo_state **)lua_getextraspace(L) = st;  /* copied into every new thread */
  st->L = L;
  /* why: a hook call allocates a ctx, its amounts and a decision that all die when it returns;
  ** the generational collector reclaims such young garbage without re-marking the policy's
  ** long-lived tables (modules, globals) on every cycle, as the incremental one does. A minor
  ** collection after every 10 % of growth (Lua's default is 20 %) keeps a call's garbage from
  ** surviving into the old generation: measured with callgrind on the tbill settle, 6 % fewer
  ** instructions per call than incremental, 4 % fewer than the default 20 %, 5 % and 100 % worse. */
  lua_gc(L, LUA_GCGEN, 10, 0);
  lua_sethook(L, halo_hook, HALO_HOOK_MASK(L), HALO_MAIN_STEP);
  lua_pushcfunction(L, halo_open_profile);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    halo_close(st);
    return NULL;
  }
  return st;
}

void halo_close(halo_state *st) {
  if (st == NULL) return;
  lua_close(st->L);
  halo_slab_release(st);
  for (int i = 0; i < st->nroots; i++) free(st->roots[i]);
  for (int i = 0; i < st->ntypes; i++) free(st->type_name[i]);
  free(st->out.data);
  free(st->in.data);
  free(st->log.data);
  free(st);
}

/* Budgets are clamped to ranges where every sum and product on them stays in 64 bits
** (the artifact loader refuses values outside its documented ranges long before). */
void halo_set_limits(halo_state *st, int64_t instructions, int64_t memory_bytes, int64_t wall_ms) {
  st->instruction_limit = instructions < 1 ? 1 : instructions > HALO_MAX_INSTRUCTIONS ? HALO_MAX_INSTRUCTIONS : instructions;
  st->memory_limit = memory_bytes < 0 ? 0 : memory_bytes > HALO_MAX_INSTRUCTIONS ? HALO_MAX_INSTRUCTIONS : memory_bytes;
  st->wall_ms = wall_ms < 1 ? 1 : wall_ms;
}

void halo_add_module_root(halo_state *st, const char *path) {
  if (st->nroots < HALO_MAX_ROOTS) st->roots[st->nroots++] = strdup(path);
}

void halo_set_clock(halo_state *st, int64_t seconds) { st->clock = seconds; }
int64_t halo_clock(const halo_state *st) { return st->clock; }
int64_t halo_memory_in_use(const halo_state *st) { return (int64_t)st->used; }

int64_t halo_decoded_tables(const halo_state *st) { return st->decoded; }

void halo_statistics(const halo_state *st, int64_t *instructions, int64_t *peak_bytes) {
  *instructions = st->count;
  *peak_bytes = (int64_t)st->peak;
}

const char *halo_error_message(const halo_state *st) { return st->message; }
const char *halo_error_chunk(const halo_state *st) { return st->chunk; }
int halo_error_line(const halo_state *st) { return st->line; }

const uint8_t *halo_output(const halo_state *st, size_t *length) {
  *length = st->out.length;
  return st->out.data;
}

const uint8_t *halo_log(const halo_state *st, size_t *length) {
  *length = st->log.length;
  return st->log.data;
}

void halo_log_clear(halo_state *st) { st->log.length = 0; }

/* ---------- running protected work ---------- */

/* Records where the error was raised: the innermost Lua frame with a line. */
static int message_handler(lua_State *L) {
  halo_state *st = halo_get(L);
  lua_Debug ar;
  for (int level = 1; lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline > 0) {
      snprintf(st->chunk, sizeof st->chunk, "%s", ar.short_src);
      st->line = ar.currentline;
      break;
    }
  }
  return 1;
}

/* Classifies a failed run, fills the message, and leaves the state usable. */
static int classify(halo_state *st, int status) {
  lua_State *L = st->L;
  int code;
  if (st->killed == KILL_TIMEOUT) {
    code = HALO_ERR_TIMEOUT;
    snprintf(st->message, sizeof st->message, "instruction budget of %lld exhausted",
             (long long)st->instruction_limit);
  } else if (st->killed == KILL_WALL) {
    code = HALO_ERR_TIMEOUT;
    snprintf(st->message, sizeof st->message, "wall-time budget of %lld ms exhausted",
             (long long)st->wall_ms);
  } else if (st->killed == KILL_MEMORY || status == LUA_ERRMEM) {
    code = HALO_ERR_MEMORY;
    snprintf(st->message, sizeof st->message, "memory budget of %lld bytes exhausted",
             (long long)st->memory_limit);
  } else {
    if (lua_type(L, -1) == LUA_TSTRING)
      snprintf(st->message, sizeof st->message, "%s", lua_tostring(L, -1));
    else  /* why: never call __tostring of an error object (attack: loopInTostringOfErrorObject) */
      snprintf(st->message, sizeof st->message, "(error object is a %s value)", luaL_typename(L, -1));
    code = (st->forbidden_raised && strstr(st->message, "sandbox-forbidden: ") != NULL)
               ? HALO_ERR_FORBIDDEN : HALO_ERR_POLICY;
  }
  return code;
}

/*
** Runs f(ud) under lua_pcall with the message handler; on success the results
** stay above *base. With budgets, the call's instruction, memory and wall-time
** limits apply. On failure the stack is reset and garbage collected, so the
** next call starts clean.
*/
static int run(halo_state *st, lua_CFunction f, void *ud, int budgeted, int *base) {
  lua_State *L = st->L;
  int status, code = HALO_OK;
  *base = lua_gettop(L);
  if (st->host_L != NULL) {  /* why: a host function re-entering would reset the budgets */
    snprintf(st->message, sizeof st->message, "the sandbox cannot be entered from a host function");
    return HALO_ERR_POLICY;
  }
  st->message[0] = 0;
  st->chunk[0] = 0;
  st->line = 0;
  st->forbidden_raised = 0;
  st->killed = 0;
  if (!lua_checkstack(L, 3)) return HALO_ERR_MEMORY;
  *base = lua_gettop(L);
  lua_pushcfunction(L, message_handler);
  lua_pushcfunction(L, f);
  lua_pushlightuserdata(L, ud);
  if (budgeted) halo_budget_begin(st);
  else st->limit_on = st->memory_limit > 0, st->limit = (size_t)st->memory_limit;
  status = lua_pcall(L, 1, LUA_MULTRET, *base + 1);
  if (budgeted) halo_budget_end(st);
  if (status != LUA_OK || st->killed) {
    code = classify(st, status);
    lua_settop(L, *base);
    st->killed = 0;
    lua_gc(L, LUA_GCCOLLECT, 0);  /* release what the failed call built */
  } else {
    lua_remove(L, *base + 1);  /* the handler */
  }
  return code;
}

/* Runs f(ud) without budgets (host set-up work) and drops its results. */
int halo_run_unbudgeted(halo_state *st, lua_CFunction f, void *ud) {
  int base, code = run(st, f, ud, 0, &base);
  lua_settop(st->L, base);
  return code;
}

/* ---------- load ---------- */

typedef struct load_args {
  const char *source, *name;
  size_t length;
  int32_t reference, environment;
} load_args;

/*
** A policy environment: the chunk's _ENV is an empty proxy P. Its metatable reads
** through to the load layer (globals the top level defined), whose own metatable
** reads through to the real globals. During a call, the first global write creates
** the call's layer (reading through to the load layer) and points P at it; the next
** call starts clean again, so globals written by one call never reach the next.
** why: test globalPollutionDoesNotPersistIntoTheNextCall.
*/
static int env_newindex(lua_State *L) {  /* (P, k, v) before the call's first write */
  lua_getmetatable(L, 1);                            /* 4: P's metatable */
  lua_newtable(L);                                   /* 5: the call layer */
  lua_rawgetp(L, 4, &HALO_CALLMT);
  lua_setmetatable(L, 5);
  lua_pushliteral(L, "__index");
  lua_pushvalue(L, 5);
  lua_rawset(L, 4);
  lua_pushliteral(L, "__newindex");
  lua_pushvalue(L, 5);
  lua_rawset(L, 4);
  lua_pushboolean(L, 1);
  lua_rawsetp(L, 4, &HALO_DIRTY);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 3);
  lua_rawset(L, 5);
  return 0;
}

/* Points P (at the top) back at its load layer if the last call wrote a global. */
static void reset_env(lua_State *L) {
  if (!lua_getmetatable(L, -1)) return;
  if (lua_rawgetp(L, -1, &HALO_DIRTY) != LUA_TNIL) {
    lua_pushliteral(L, "__index");
    lua_rawgetp(L, -3, &HALO_FROZEN);                /* the load layer */
    lua_rawset(L, -4);
    lua_pushliteral(L, "__newindex");
    lua_pushcfunction(L, env_newindex);
    lua_rawset(L, -4);
    lua_pushnil(L);
    lua_rawsetp(L, -3, &HALO_DIRTY);
  }
  lua_pop(L, 2);
}

static void push_policy_env(lua_State *L) {
  int layer, env;
  lua_newtable(L);                                   /* the load layer */
  layer = lua_gettop(L);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_BASEMT);
  lua_setmetatable(L, layer);
  lua_newtable(L);                                   /* P, the chunk's _ENV */
  env = lua_gettop(L);
  lua_createtable(L, 0, 4);
  lua_pushvalue(L, layer);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, layer);                           /* the top level writes its globals here */
  lua_setfield(L, -2, "__newindex");
  lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_STUB);
  lua_setfield(L, -2, "__metatable");
  lua_pushvalue(L, layer);
  lua_rawsetp(L, -2, &HALO_FROZEN);                  /* rawset/setmetatable on _ENV are refused */
  lua_pushboolean(L, 1);
  lua_rawsetp(L, -2, &HALO_DIRTY);                   /* the first call resets to env_newindex */
  lua_createtable(L, 0, 1);                          /* metatable of each call's layer */
  lua_pushvalue(L, layer);
  lua_setfield(L, -2, "__index");
  lua_rawsetp(L, -2, &HALO_CALLMT);
  lua_setmetatable(L, env);
  lua_pushvalue(L, env);
  lua_setfield(L, layer, "_G");
  lua_remove(L, layer);
}

static int load_entry(lua_State *L) {
  load_args *a = (load_args *)lua_touserdata(L, 1);
  int status;
  halo_get(L)->reseed_pending = 1;
  lua_pushfstring(L, "=%s", a->name);
  if (a->length > 0 && a->source[0] == LUA_SIGNATURE[0])
    return halo_raise_forbidden(L, "binary chunks are not loadable");
  halo_charge(L, (int64_t)a->length);  /* parsing runs in C, unhooked: one unit per byte */
  status = luaL_loadbufferx(L, a->source, a->length, lua_tostring(L, -1), "t");
  halo_check_kill(L, status);
  if (status != LUA_OK) return lua_error(L);
  push_policy_env(L);                                /* chunk, env */
  lua_pushvalue(L, -1);
  lua_setupvalue(L, -3, 1);
  lua_insert(L, -2);                                 /* env, chunk */
  lua_call(L, 0, 1);
  a->reference = luaL_ref(L, LUA_REGISTRYINDEX);
  a->environment = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

int halo_load(halo_state *st, const char *source, size_t length, const char *chunk_name,
              int32_t *reference, int32_t *environment) {
  load_args a = { source, chunk_name, length, LUA_NOREF, LUA_NOREF };
  int base, code = run(st, load_entry, &a, 1, &base);
  if (code == HALO_OK) lua_settop(st->L, base);
  *reference = a.reference;
  *environment = a.environment;
  return code;
}

/* ---------- invoke ---------- */

typedef struct invoke_args {
  int32_t reference, environment;
  const char *function;
  const uint8_t *arguments;
  size_t length;
  int with_state;  /* the buffer starts with the call's state table */
} invoke_args;

static int invoke_entry(lua_State *L) {
  invoke_args *a = (invoke_args *)lua_touserdata(L, 1);
  halo_state *st = halo_get(L);
  int nargs;
  st->reseed_pending = 1;  /* each call sees the same random sequence (seeded on first use) */
  if (a->environment > 0) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, a->environment);
    reset_env(L);
    lua_pop(L, 1);
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, a->reference);
  if (lua_type(L, -1) != LUA_TTABLE) return luaL_error(L, "policy did not return a table");
  halo_push_backing(L, -1);
  lua_pushstring(L, a->function);
  if (lua_rawget(L, -2) != LUA_TFUNCTION)
    return luaL_error(L, "policy has no function '%s'", a->function);
  lua_replace(L, 2);
  lua_settop(L, 2);
  if (a->with_state) {  /* 2: the state, kept below the results; 3: the function */
    size_t used = halo_push_state(L, a->arguments, a->length);
    lua_insert(L, 2);
    nargs = halo_push_call_values(L, a->arguments + used, a->length - used, 2);
  } else {
    nargs = halo_push_call_values(L, a->arguments, a->length, 0);
  }
  lua_call(L, nargs, LUA_MULTRET);
  return lua_gettop(L) - 1;
}

int halo_in_host_function(const halo_state *st) { return st->host_L != NULL; }

/* Runs a call and emits what it left above the base: the state first when there is one. */
static int invoke(halo_state *st, invoke_args *a, int32_t *result_count, size_t *state_length) {
  lua_State *L = st->L;
  int base, code = run(st, invoke_entry, a, 1, &base), truncated = 0, state_truncated = 0;
  int first = 0;
  *result_count = 0;
  if (state_length) *state_length = 0;
  st->out.length = 0;
  if (code != HALO_OK) return code;
  first = base + 1;
  if (a->with_state) {
    state_truncated = halo_emit_value(st, L, first, &st->out);
    *state_length = st->out.length;
    first++;
  }
  for (int i = first; i <= lua_gettop(L); i++) truncated |= halo_emit_value(st, L, i, &st->out);
  *result_count = lua_gettop(L) - first + 1;
  lua_settop(L, base);
  if (truncated || state_truncated) {
    snprintf(st->message, sizeof st->message, "%s exceeds the conversion bounds (depth %d, %d elements)",
             truncated ? "result" : "ctx.state", HALO_MAX_DEPTH, HALO_MAX_ITEMS);
    return HALO_ERR_POLICY;
  }
  return HALO_OK;
}

int halo_invoke(halo_state *st, int32_t reference, int32_t environment, const char *function,
                const uint8_t *arguments, size_t length, int32_t *result_count) {
  invoke_args a = { reference, environment, function, arguments, length, 0 };
  return invoke(st, &a, result_count, NULL);
}

int halo_invoke_with_state(halo_state *st, int32_t reference, int32_t environment,
                           const char *function, const uint8_t *buffer, size_t length,
                           int32_t *result_count, size_t *state_length) {
  invoke_args a = { reference, environment, function, buffer, length, 1 };
  return invoke(st, &a, result_count, state_length);
}

/* ---------- references ---------- */

typedef struct ref_args { const uint8_t *value; size_t length; int32_t reference; const char *name; } ref_args;

static int make_reference_entry(lua_State *L) {
  ref_args *a = (ref_args *)lua_touserdata(L, 1);
  lua_settop(L, 1);
  if (halo_push_values(L, a->value, a->length) != 1) return luaL_error(L, "expected one value");
  a->reference = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

int halo_make_reference(halo_state *st, const uint8_t *value, size_t length, int32_t *reference) {
  ref_args a = { value, length, LUA_NOREF, NULL };
  int base, code = run(st, make_reference_entry, &a, 0, &base);
  lua_settop(st->L, base);
  *reference = a.reference;
  return code;
}

void halo_value(halo_state *st, int32_t reference) {
  lua_State *L = st->L;
  st->out.length = 0;
  if (!lua_checkstack(L, 2)) return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, reference);
  halo_emit_value(st, L, -1, &st->out);
  lua_pop(L, 1);
}

static int has_function_entry(lua_State *L) {
  ref_args *a = (ref_args *)lua_touserdata(L, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, a->reference);
  halo_push_backing(L, -1);
  a->reference = 0;
  if (lua_type(L, -1) == LUA_TTABLE) {
    lua_pushstring(L, a->name);
    a->reference = lua_rawget(L, -2) == LUA_TFUNCTION;
  }
  return 0;
}

int halo_has_function(halo_state *st, int32_t reference, const char *name) {
  ref_args a = { NULL, 0, reference, name };
  int base, code = run(st, has_function_entry, &a, 0, &base);
  lua_settop(st->L, base);
  return code == HALO_OK && a.reference;
}

static int release_entry(lua_State *L) {
  ref_args *a = (ref_args *)lua_touserdata(L, 1);
  luaL_unref(L, LUA_REGISTRYINDEX, a->reference);
  return 0;
}

void halo_release(halo_state *st, int32_t reference) {
  ref_args a = { NULL, 0, reference, NULL };
  int base;
  if (reference <= 0) return;
  run(st, release_entry, &a, 0, &base);
  lua_settop(st->L, base);
}

/* ---------- host functions ---------- */

/*
** The trampoline: the Lua-facing side of every Swift host function. Swift runs
** and returns here; only then does C push the results or raise the error, so no
** longjmp ever crosses a Swift frame.
*/
static int trampoline(lua_State *L) {
  return halo_call_host(L, (int32_t)lua_tointegerx(L, lua_upvalueindex(1), NULL));
}

/* The trampoline's body: runs Swift host function `id` on the arguments of the running C
** function (also called by amount.c for what it hands back to Swift). */
int halo_call_host(lua_State *L, int32_t id) {
  halo_state *st = halo_get(L);
  lua_State *previous = st->host_L;
  int failed;
  st->host_L = L;
  st->in.length = 0;
  st->host_code = HALO_ERR_POLICY;
  failed = st->callback(st->context, st, id);
  st->host_L = previous;
  if (failed) {
    lua_pushlstring(L, (const char *)st->in.data, st->in.length);
    if (st->host_code == HALO_ERR_FORBIDDEN) return halo_raise_forbidden(L, "%s", lua_tostring(L, -1));
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
    return lua_error(L);
  }
  return halo_push_values(L, st->in.data, st->in.length);
}

typedef struct register_args {
  const char *name;
  int32_t payload, count, id;
  const char *const *names;
  const int32_t *ids;
  const uint8_t *meta;
} register_args;

static void push_function(lua_State *L, int32_t id) {
  lua_pushinteger(L, id);
  lua_pushcclosure(L, trampoline, 1);
}

static int register_type_entry(lua_State *L) {
  register_args *a = (register_args *)lua_touserdata(L, 1);
  halo_state *st = halo_get(L);
  int has_methods = 0;
  lua_newtable(L);  /* 2: metatable */
  lua_newtable(L);  /* 3: methods */
  for (int i = 0; i < a->count; i++) {
    if (a->meta[i] && strcmp(a->names[i], "__gc") == 0)  /* why: payloads are plain bytes; no finalizers */
      return luaL_error(L, "__gc is not allowed on sandbox userdata");
    push_function(L, a->ids[i]);
    lua_setfield(L, a->meta[i] ? 2 : 3, a->names[i]);
    has_methods |= !a->meta[i];
  }
  if (has_methods) {
    lua_pushvalue(L, 3);
    halo_make_frozen(L);
    lua_setfield(L, 2, "__index");
  }
  lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_STUB);
  lua_setfield(L, 2, "__metatable");  /* why: scripts cannot reach or change it (test: userdataMetatableIsProtected) */
  lua_pushinteger(L, st->ntypes);
  lua_rawsetp(L, 2, &HALO_TYPEID);
  lua_pushvalue(L, 2);
  st->type_mt[st->ntypes] = luaL_ref(L, LUA_REGISTRYINDEX);
  st->type_size[st->ntypes] = a->payload;
  st->type_name[st->ntypes] = strdup(a->name);
  a->id = st->ntypes++;
  return 0;
}

int halo_register_type(halo_state *st, const char *name, int32_t payload_size,
                       const char *const *names, const int32_t *ids,
                       const uint8_t *is_metamethod, int32_t count, int32_t *type_id) {
  register_args a = { name, payload_size, count, -1, names, ids, is_metamethod };
  int base, code;
  if (st->ntypes >= HALO_MAX_TYPES) {
    snprintf(st->message, sizeof st->message, "too many userdata types");
    return HALO_ERR_POLICY;
  }
  code = run(st, register_type_entry, &a, 0, &base);
  lua_settop(st->L, base);
  *type_id = a.id;
  return code;
}

static int register_module_entry(lua_State *L) {
  register_args *a = (register_args *)lua_touserdata(L, 1);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_PRELOAD);  /* 2 */
  lua_createtable(L, 0, a->count);
  for (int i = 0; i < a->count; i++) {
    push_function(L, a->ids[i]);
    lua_setfield(L, -2, a->names[i]);
  }
  halo_make_frozen(L);  /* why: a module is shared by every policy (test: requireFindsModulesUnderTheRootsOnly) */
  lua_setfield(L, 2, a->name);
  return 0;
}

int halo_register_module(halo_state *st, const char *name, const char *const *names,
                         const int32_t *ids, int32_t count) {
  register_args a = { name, 0, count, 0, names, ids, NULL };
  int base, code = run(st, register_module_entry, &a, 0, &base);
  lua_settop(st->L, base);
  return code;
}

/* ---------- inside a host callback: non-raising reads ---------- */

int32_t halo_host_argument_count(halo_state *st) { return lua_gettop(st->host_L); }

int halo_host_argument_type(halo_state *st, int32_t index) {
  if (index < 1 || index > lua_gettop(st->host_L)) return LUA_TNONE;
  return lua_type(st->host_L, index);
}

void halo_host_argument(halo_state *st, int32_t index) {
  st->out.length = 0;
  if (index < 1 || index > lua_gettop(st->host_L)) {
    uint8_t nil = HALO_TAG_NIL;
    halo_buffer_put(&st->out, &nil, 1);
    return;
  }
  halo_emit_value(st, st->host_L, index, &st->out);
}

const void *halo_host_userdata(halo_state *st, int32_t index, int32_t type_id, size_t *length) {
  lua_State *L = st->host_L;
  int same = 0;
  if (type_id < 0 || type_id >= st->ntypes || halo_host_argument_type(st, index) != LUA_TUSERDATA)
    return NULL;
  if (!lua_checkstack(L, 2) || !lua_getmetatable(L, index)) return NULL;
  lua_rawgeti(L, LUA_REGISTRYINDEX, st->type_mt[type_id]);
  same = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  if (!same) return NULL;
  *length = lua_rawlen(L, index);
  return lua_touserdata(L, index);
}

const char *halo_host_string(halo_state *st, int32_t index, size_t *length) {
  if (halo_host_argument_type(st, index) != LUA_TSTRING) return NULL;
  return lua_tolstring(st->host_L, index, length);  /* a real string: no conversion */
}

int halo_host_integer(halo_state *st, int32_t index, int64_t *value) {
  if (halo_host_argument_type(st, index) != LUA_TNUMBER || !lua_isinteger(st->host_L, index)) return 0;
  *value = lua_tointegerx(st->host_L, index, NULL);
  return 1;
}

int halo_host_number(halo_state *st, int32_t index, double *value) {
  if (halo_host_argument_type(st, index) != LUA_TNUMBER) return 0;
  *value = lua_tonumberx(st->host_L, index, NULL);
  return 1;
}

void halo_host_set_results(halo_state *st, const uint8_t *results, size_t length) {
  st->in.length = 0;
  halo_buffer_put(&st->in, results, length);
}

void halo_host_set_error(halo_state *st, const char *message, size_t length, int code) {
  st->in.length = 0;
  halo_buffer_put(&st->in, message, length);
  st->host_code = code;
}

/*
** baseline_host.c
** The performance baseline of halo: a bare C host for one Lua 5.4 policy hook.
**
** It does what the Swift runtime does for one `settle` call (build ctx, call the
** hook, take the decision) with none of the sandbox: a plain luaL_newstate with
** every standard library, no read-only ctx, no frozen metatables. `halo bench`
** divides the Swift figures by this one, so the ratio is the price of the
** sandbox and the Swift host, not of Lua itself.
**
** Usage: baseline_host POLICY STDLIB_DIR ITERATIONS [--hook] [--print-decision]
** Build: cc -O2 $(pkg-config --cflags lua5.4) baseline_host.c $(pkg-config --libs lua5.4)
** See docs/performance.md.
*/

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>


/*
** {======================================================
** Exact amounts: 18-decimal fixed point in unsigned 128-bit base units.
** Every operation is exact and rounds toward zero; a result that does not
** fit 128 bits is reported, never wrapped.
** =======================================================
*/

typedef unsigned __int128 u128;

#define AMOUNT_TYPE "halo.amount"
#define AMOUNT_DECIMALS 18
#define WAD ((u128)1000000000000000000ULL)  /* base units in one token */
#define TEN19 10000000000000000000ULL       /* largest power of ten in 64 bits */


/* Sets hi:lo to the full 256-bit product a * b. */
static void mul_wide (u128 a, u128 b, u128 *hi, u128 *lo) {
  uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
  uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
  u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1;
  u128 p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
  u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;  /* < 3 * 2^64 */
  *lo = (mid << 64) | (uint64_t)p00;
  *hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
}


/*
** Sets *q to floor(hi:lo / d). Returns 0 when d is zero or the quotient
** does not fit 128 bits (exactly when hi >= d).
*/
static int div_wide (u128 hi, u128 lo, u128 d, u128 *q) {
  if (d == 0 || hi >= d) return 0;
  if (hi == 0) {  /* the common case: the dividend fits 128 bits */
    *q = lo / d;
    return 1;
  }
  if ((d >> 64) == 0) {  /* a 64-bit divisor: two native 128/64 steps */
    u128 top = (hi << 64) | (uint64_t)(lo >> 64);  /* hi < d < 2^64 */
    u128 bottom = ((top % d) << 64) | (uint64_t)lo;
    *q = ((top / d) << 64) | (bottom / d);
    return 1;
  }
  else {  /* restoring long division over the low half; r stays below d */
    u128 r = hi, quot = 0;
    int i;
    for (i = 127; i >= 0; i--) {
      int carry = (int)(r >> 127);
      r = (r << 1) | ((lo >> i) & 1);
      quot <<= 1;
      if (carry || r >= d) { r -= d; quot |= 1; }
    }
    *q = quot;
    return 1;
  }
}


/* Sets *r to floor(a * b / c). Returns 0 on division by zero or overflow. */
static int mul_div (u128 a, u128 b, u128 c, u128 *r) {
  u128 hi, lo;
  mul_wide(a, b, &hi, &lo);
  return div_wide(hi, lo, c, r);
}


/*
** Sets *r to floor(a * f) for a finite f >= 0, exactly: f is m * 2^(e-53)
** with an integer m, so this is a shift of the 256-bit product a * m.
** Returns 0 on overflow.
*/
static int mul_float (u128 a, double f, u128 *r) {
  int e;
  uint64_t m = (uint64_t)ldexp(frexp(f, &e), 53);
  int shift = 53 - e;  /* divide by 2^shift; a negative shift multiplies */
  u128 hi, lo;
  mul_wide(a, m, &hi, &lo);
  if (hi == 0 && lo == 0) { *r = 0; return 1; }  /* zero times any size is zero */
  if (shift <= 0) {
    int s = -shift;
    if (hi != 0 || s >= 128 || (s > 0 && (lo >> (128 - s)) != 0)) return 0;
    *r = lo << s;
    return 1;
  }
  if (shift >= 256) lo = 0, hi = 0;
  else if (shift >= 128) lo = hi >> (shift - 128), hi = 0;
  else lo = (lo >> shift) | (hi << (128 - shift)), hi >>= shift;
  if (hi != 0) return 0;
  *r = lo;
  return 1;
}


/*
** Reads "123" or "123.456" (at most 18 decimals, no sign, no exponent, no
** spaces) into base units. Returns 0 when malformed or too large.
*/
static int parse_decimal (const char *s, size_t len, u128 *out) {
  u128 v = 0;
  size_t i, whole = 0;
  int frac = -1;  /* decimals read so far; -1 before the point */
  for (i = 0; i < len; i++) {
    unsigned d = (unsigned char)s[i] - '0';
    if (s[i] == '.' && frac < 0 && whole > 0) { frac = 0; continue; }
    if (d > 9) return 0;
    if (frac >= 0) { if (++frac > AMOUNT_DECIMALS) return 0; }
    else whole++;
    if (__builtin_mul_overflow(v, (u128)10, &v) || __builtin_add_overflow(v, (u128)d, &v))
      return 0;
  }
  if (whole == 0 || frac == 0) return 0;  /* "", ".5" and "1." are malformed */
  for (frac = frac < 0 ? 0 : frac; frac < AMOUNT_DECIMALS; frac++)
    if (__builtin_mul_overflow(v, (u128)10, &v)) return 0;
  *out = v;
  return 1;
}


/* Writes the decimal digits of u (no terminator) to buf; returns their count (<= 39). */
static size_t format_integer (u128 u, char *buf) {
  char tmp[20];
  size_t n = 0, k;
  uint64_t low;
  if ((u >> 64) != 0) {  /* print the high part, then exactly 19 low digits */
    n = format_integer(u / TEN19, buf);
    low = (uint64_t)(u % TEN19);
    for (k = 19; k > 0; k--) { buf[n + k - 1] = (char)('0' + low % 10); low /= 10; }
    return n + 19;
  }
  low = (uint64_t)u;
  do { tmp[n++] = (char)('0' + low % 10); low /= 10; } while (low != 0);
  for (k = 0; k < n; k++) buf[k] = tmp[n - 1 - k];
  return n;
}


/*
** Writes u as a token amount ("980", "0.98": exact, trailing zeros trimmed)
** to buf (at least 64 bytes); returns the length.
*/
static size_t format_amount (u128 u, char *buf) {
  uint64_t frac = (uint64_t)(u % WAD);
  size_t n = format_integer(u / WAD, buf);
  int k;
  if (frac == 0) return n;
  buf[n++] = '.';
  for (k = AMOUNT_DECIMALS - 1; k >= 0; k--) { buf[n + k] = (char)('0' + frac % 10); frac /= 10; }
  n += AMOUNT_DECIMALS;
  while (buf[n - 1] == '0') n--;
  return n;
}

/* }====================================================== */


/*
** {======================================================
** The `halo.host` module: amounts as full userdata with metamethods.
** Errors mirror stdlib/tests/fake_host.lua word for word where it has one.
** =======================================================
*/

/* Pushes a new amount of u base units. */
static void push_amount (lua_State *L, u128 u) {
  void *p = lua_newuserdatauv(L, sizeof(u128), 0);
  memcpy(p, &u, sizeof(u128));  /* Lua aligns userdata to 8, __int128 wants 16 */
  luaL_setmetatable(L, AMOUNT_TYPE);
}


/* Sets *u from the value at idx if it is an amount; returns whether it was. */
static int test_amount (lua_State *L, int idx, u128 *u) {
  void *p = luaL_testudata(L, idx, AMOUNT_TYPE);
  if (p == NULL) return 0;
  memcpy(u, p, sizeof(u128));
  return 1;
}


/* The base units of an amount at idx; raises if it is not one. */
static u128 check_amount (lua_State *L, int idx, const char *op) {
  u128 u;
  if (test_amount(L, idx, &u)) return u;
  luaL_error(L, "amount %s: operand is not an amount: %s", op, luaL_tolstring(L, idx, NULL));
  return 0;
}


/*
** The base units of an arithmetic or comparison operand: an amount, or a
** non-negative integer counted in tokens (2^63 tokens still fit). Raises
** for anything else, floats included.
*/
static u128 check_operand (lua_State *L, int idx, const char *op) {
  u128 u;
  if (test_amount(L, idx, &u)) return u;
  if (lua_isinteger(L, idx) && lua_tointeger(L, idx) >= 0)
    return (u128)lua_tointeger(L, idx) * WAD;
  luaL_error(L, "amount %s: operand is not an amount or a non-negative integer: %s",
             op, luaL_tolstring(L, idx, NULL));
  return 0;
}


/*
** The base units of what host.amount accepts: an amount, a non-negative
** integer (tokens) or a decimal string. Floats are refused: 0.1 has no exact
** binary form and money must not drift.
*/
static u128 to_units (lua_State *L, int idx) {
  u128 u;
  size_t len;
  const char *s;
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
      if (!lua_isinteger(L, idx))
        luaL_error(L, "a float is not an amount: %s (use a decimal string)",
                   luaL_tolstring(L, idx, NULL));
      if (lua_tointeger(L, idx) < 0)
        luaL_error(L, "amount cannot be negative: %I", lua_tointeger(L, idx));
      return (u128)lua_tointeger(L, idx) * WAD;
    case LUA_TSTRING:
      s = lua_tolstring(L, idx, &len);
      if (!parse_decimal(s, len, &u)) luaL_error(L, "malformed amount: \"%s\"", s);
      return u;
    default:
      if (test_amount(L, idx, &u)) return u;
      luaL_error(L, "not an amount: %s", luaL_tolstring(L, idx, NULL));
      return 0;
  }
}


/* host.amount(x): a new amount from an amount, an integer or a decimal string. */
static int host_amount (lua_State *L) {
  push_amount(L, to_units(L, 1));
  return 1;
}


/* host.is_amount(v): true only for amounts. */
static int host_is_amount (lua_State *L) {
  lua_pushboolean(L, luaL_testudata(L, 1, AMOUNT_TYPE) != NULL);
  return 1;
}


static int amount_add (lua_State *L) {
  u128 r;
  if (__builtin_add_overflow(check_operand(L, 1, "+"), check_operand(L, 2, "+"), &r))
    return luaL_error(L, "amount overflow");
  push_amount(L, r);
  return 1;
}


/* Amounts are never negative: going below zero is an error, not a wrap. */
static int amount_sub (lua_State *L) {
  u128 a = check_operand(L, 1, "-"), b = check_operand(L, 2, "-");
  if (a < b) return luaL_error(L, "amount underflow");
  push_amount(L, a - b);
  return 1;
}


/*
** amount * amount = a * b / 10^18, rounded down; amount * integer is exact;
** amount * float multiplies by the float's exact binary value as a plain
** ratio (not scaled by 10^18), rounded down. Either side may be the amount.
*/
static int amount_mul (lua_State *L) {
  int self = luaL_testudata(L, 1, AMOUNT_TYPE) ? 1 : 2, other = 3 - self;
  u128 a = check_amount(L, self, "*"), r;
  int ok;
  if (lua_isinteger(L, other)) {
    lua_Integer n = lua_tointeger(L, other);
    if (n < 0) return luaL_error(L, "amount * negative integer");
    ok = !__builtin_mul_overflow(a, (u128)n, &r);
  }
  else if (lua_type(L, other) == LUA_TNUMBER) {
    lua_Number f = lua_tonumber(L, other);
    if (!isfinite(f) || f < 0) return luaL_error(L, "amount * negative or non-finite number");
    ok = mul_float(a, (double)f, &r);
  }
  else ok = mul_div(a, check_amount(L, other, "*"), WAD, &r);
  if (!ok) return luaL_error(L, "amount overflow");
  push_amount(L, r);
  return 1;
}


/* amount / amount = a * 10^18 / b; amount / integer divides the base units. Both round down. */
static int amount_div (lua_State *L) {
  u128 a, b, r;
  if (!test_amount(L, 1, &a)) return luaL_error(L, "only an amount can be divided");
  if (lua_isinteger(L, 2)) {
    lua_Integer n = lua_tointeger(L, 2);
    if (n < 0) return luaL_error(L, "amount / negative integer");
    if (n == 0) return luaL_error(L, "amount division by zero");
    push_amount(L, a / (u128)n);
    return 1;
  }
  b = check_amount(L, 2, "/");
  if (b == 0) return luaL_error(L, "amount division by zero");
  if (!mul_div(a, WAD, b, &r)) return luaL_error(L, "amount overflow");
  push_amount(L, r);
  return 1;
}


/* Lua calls __eq only for two userdata; an amount never equals anything else. */
static int amount_eq (lua_State *L) {
  u128 a, b;
  lua_pushboolean(L, test_amount(L, 1, &a) && test_amount(L, 2, &b) && a == b);
  return 1;
}


static int amount_lt (lua_State *L) {
  lua_pushboolean(L, check_operand(L, 1, "<") < check_operand(L, 2, "<"));
  return 1;
}


static int amount_le (lua_State *L) {
  lua_pushboolean(L, check_operand(L, 1, "<=") <= check_operand(L, 2, "<="));
  return 1;
}


static int amount_tostring (lua_State *L) {
  char buf[64];
  lua_pushlstring(L, buf, format_amount(check_amount(L, 1, "tostring"), buf));
  return 1;
}


/* Either side may be the amount; the other goes through tostring. */
static int amount_concat (lua_State *L) {
  luaL_tolstring(L, 1, NULL);
  luaL_tolstring(L, 2, NULL);
  lua_concat(L, 2);
  return 1;
}


static int amount_is_zero (lua_State *L) {
  lua_pushboolean(L, check_amount(L, 1, "is_zero") == 0);
  return 1;
}


/* a:min(b), a:max(b): b may be anything host.amount accepts. */
static int amount_min (lua_State *L) {
  u128 a = check_amount(L, 1, "min"), b = to_units(L, 2);
  if (a <= b) lua_settop(L, 1);
  else push_amount(L, b);
  return 1;
}


static int amount_max (lua_State *L) {
  u128 a = check_amount(L, 1, "max"), b = to_units(L, 2);
  if (b <= a) lua_settop(L, 1);
  else push_amount(L, b);
  return 1;
}


/* a:mul_div(b, c) = a * b / c in base units with one rounding (down) at the end. */
static int amount_mul_div (lua_State *L) {
  u128 a = check_amount(L, 1, "mul_div");
  u128 b = check_operand(L, 2, "mul_div"), c = check_operand(L, 3, "mul_div"), r;
  if (c == 0) return luaL_error(L, "amount division by zero");
  if (!mul_div(a, b, c, &r)) return luaL_error(L, "amount overflow");
  push_amount(L, r);
  return 1;
}


/* a:floor(): whole tokens only. */
static int amount_floor (lua_State *L) {
  push_amount(L, check_amount(L, 1, "floor") / WAD * WAD);
  return 1;
}


/* a:units(): the base units as a decimal string ("1000000000000000000" for 1). */
static int amount_units (lua_State *L) {
  char buf[64];
  lua_pushlstring(L, buf, format_integer(check_amount(L, 1, "units"), buf));
  return 1;
}


static const luaL_Reg amount_metamethods[] = {
  {"__add", amount_add}, {"__sub", amount_sub}, {"__mul", amount_mul},
  {"__div", amount_div}, {"__eq", amount_eq}, {"__lt", amount_lt},
  {"__le", amount_le}, {"__tostring", amount_tostring}, {"__concat", amount_concat},
  {NULL, NULL}
};

static const luaL_Reg amount_methods[] = {
  {"is_zero", amount_is_zero}, {"min", amount_min}, {"max", amount_max},
  {"mul_div", amount_mul_div}, {"floor", amount_floor}, {"units", amount_units},
  {NULL, NULL}
};

static const luaL_Reg host_functions[] = {
  {"amount", host_amount}, {"is_amount", host_is_amount},
  {NULL, NULL}
};


/*
** Registers the amount metatable. Done when the state opens, not on require:
** ctx carries amounts even into a policy that never requires halo.host.
*/
static void register_amount_type (lua_State *L) {
  luaL_newmetatable(L, AMOUNT_TYPE);  /* also sets __name */
  luaL_setfuncs(L, amount_metamethods, 0);
  luaL_newlib(L, amount_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}


/* require "halo.host": returns the module. */
static int luaopen_halo_host (lua_State *L) {
  luaL_newlib(L, host_functions);
  return 1;
}

/* }====================================================== */


/*
** {======================================================
** The ctx of one `settle` call: tbill-a at its 13:00 lock on 2026-03-04.
** docs/performance.md lists every field; the Swift side builds the same.
** =======================================================
*/

/*
** The ctx's amounts, parsed once at start: the runtime holds money as values,
** so decimal parsing is not part of a hook call.
*/
static struct {
  u128 nav, holdings, capacity, liquidity, price;
  u128 subscribe_total, subscribe_reward, redeem_total, redeem_reward;
  u128 deposit_current, deposit_max, deposit_slope, deposit_last;
  u128 exchange_rate;
  u128 spark_usds, spark_share, grove_usds, subscribe_queue_usds, redeem_queue_share;
} fixture;


/* Parses a fixture amount; a typo here is a bug, so it aborts. */
static u128 fixture_units (const char *text) {
  u128 u;
  if (!parse_decimal(text, strlen(text), &u)) {
    fprintf(stderr, "baseline_host: bad fixture amount \"%s\"\n", text);
    exit(2);
  }
  return u;
}


static void init_fixture (void) {
  fixture.nav = fixture_units("1.00012");
  fixture.holdings = fixture_units("40000000");
  fixture.capacity = fixture_units("20000000");
  fixture.liquidity = fixture_units("15000000");
  fixture.price = fixture_units("1.00011");
  fixture.subscribe_total = fixture_units("4500000");
  fixture.subscribe_reward = fixture_units("0.99988");
  fixture.redeem_total = fixture_units("500000");
  fixture.redeem_reward = fixture_units("0");
  fixture.deposit_current = fixture_units("10000000");
  fixture.deposit_max = fixture_units("10000000");
  fixture.deposit_slope = fixture_units("115.74074074074074074");
  fixture.deposit_last = fixture_units("10000000");
  fixture.exchange_rate = fixture_units("1.00006");
  fixture.spark_usds = fixture_units("20000000");
  fixture.spark_share = fixture_units("3000000");
  fixture.grove_usds = fixture_units("25000000");
  fixture.subscribe_queue_usds = fixture_units("4500000");
  fixture.redeem_queue_share = fixture_units("500000");
}


/* Each setter sets t[key] = value on the table at the top of the stack. */
static void set_amount (lua_State *L, const char *key, u128 u) {
  push_amount(L, u);
  lua_setfield(L, -2, key);
}

static void set_integer (lua_State *L, const char *key, lua_Integer n) {
  lua_pushinteger(L, n);
  lua_setfield(L, -2, key);
}

static void set_string (lua_State *L, const char *key, const char *s) {
  lua_pushstring(L, s);
  lua_setfield(L, -2, key);
}

static void set_boolean (lua_State *L, const char *key, int b) {
  lua_pushboolean(L, b);
  lua_setfield(L, -2, key);
}


/* Pushes the Unit Artifact's params, as strings (examples/.../tbill/unit.yaml). */
static void push_params (lua_State *L) {
  lua_createtable(L, 0, 7);
  set_string(L, "stale_report_after", "36h");
  set_string(L, "manager_silent_after", "7d");
  set_string(L, "nav_tolerance", "0.01");
  set_string(L, "max_daily_capacity", "50000000");
  set_string(L, "max_rate_increase_per_day", "0.001");
  set_string(L, "critical_nav_drop", "0.02");
  set_string(L, "capacity_buffer_ratio", "0.8");
}


/* Pushes the latest asset-manager report (09:00, four hours before lock). */
static void push_report (lua_State *L) {
  lua_createtable(L, 0, 6);
  set_integer(L, "time", 1772614800);
  set_amount(L, "nav", fixture.nav);
  set_amount(L, "holdings", fixture.holdings);
  set_amount(L, "capacity", fixture.capacity);
  set_amount(L, "liquidity", fixture.liquidity);
  set_amount(L, "price", fixture.price);
}


static void push_queue (lua_State *L, int generation, u128 total, u128 reward) {
  lua_createtable(L, 0, 5);
  set_string(L, "status", "locked");
  set_integer(L, "generation", generation);
  set_amount(L, "total_shares", total);
  set_amount(L, "total_underlying", total);
  set_amount(L, "reward_per_token", reward);
}


static void push_queues (lua_State *L) {
  lua_createtable(L, 0, 2);
  push_queue(L, 3, fixture.subscribe_total, fixture.subscribe_reward);
  lua_setfield(L, -2, "subscribe");
  push_queue(L, 1, fixture.redeem_total, fixture.redeem_reward);
  lua_setfield(L, -2, "redeem");
}


static void push_rate_limits (lua_State *L) {
  lua_createtable(L, 0, 2);
  lua_createtable(L, 0, 6);
  set_boolean(L, "unlimited", 0);
  set_amount(L, "current", fixture.deposit_current);
  set_amount(L, "max", fixture.deposit_max);
  set_amount(L, "slope", fixture.deposit_slope);
  set_amount(L, "last_amount", fixture.deposit_last);
  set_integer(L, "last_updated", 1772560800);
  lua_setfield(L, -2, "deposit");
  lua_createtable(L, 0, 1);
  set_boolean(L, "unlimited", 1);
  lua_setfield(L, -2, "withdraw");
}


static void push_ledger (lua_State *L) {
  lua_createtable(L, 0, 1);
  lua_createtable(L, 0, 4);  /* balances */
  lua_createtable(L, 0, 2);
  set_amount(L, "USDS", fixture.spark_usds);
  set_amount(L, "TBILL-A", fixture.spark_share);
  lua_setfield(L, -2, "spark");
  lua_createtable(L, 0, 1);
  set_amount(L, "USDS", fixture.grove_usds);
  lua_setfield(L, -2, "grove");
  lua_createtable(L, 0, 1);
  set_amount(L, "USDS", fixture.subscribe_queue_usds);
  lua_setfield(L, -2, "unit:subscribe-queue");
  lua_createtable(L, 0, 1);
  set_amount(L, "TBILL-A", fixture.redeem_queue_share);
  lua_setfield(L, -2, "unit:redeem-queue");
  lua_setfield(L, -2, "balances");
}


/*
** Pushes a fresh ctx. Built anew for every call, as the Swift runtime does:
** a policy may keep references to ctx, so one call's ctx is never reused.
*/
static void push_ctx (lua_State *L) {
  lua_createtable(L, 0, 17);
  set_integer(L, "time", 1772629200);  /* 2026-03-04T13:00:00Z */
  set_string(L, "time_iso", "2026-03-04T13:00:00Z");
  set_string(L, "unit", "tbill-a");
  set_string(L, "hook", "settle");
  lua_createtable(L, 0, 2);
  set_string(L, "underlying", "USDS");
  set_string(L, "share", "TBILL-A");
  lua_setfield(L, -2, "assets");
  push_params(L);
  lua_setfield(L, -2, "params");
  push_report(L);
  lua_createtable(L, 1, 0);  /* reports = { report }: the same table */
  lua_pushvalue(L, -2);
  lua_rawseti(L, -2, 1);
  lua_setfield(L, -3, "reports");
  lua_setfield(L, -2, "report");
  push_queues(L);
  lua_setfield(L, -2, "queues");
  push_rate_limits(L);
  lua_setfield(L, -2, "rate_limits");
  set_amount(L, "exchange_rate", fixture.exchange_rate);
  lua_createtable(L, 0, 2);
  set_integer(L, "time", 1772553600);
  set_amount(L, "exchange_rate", fixture.exchange_rate);
  lua_setfield(L, -2, "last_settlement");
  lua_createtable(L, 0, 4);
  set_integer(L, "lock_time", 1772629200);
  set_integer(L, "settle_time", 1772640000);
  set_integer(L, "seconds_since_last_settlement", 86400);
  set_integer(L, "days_since_last_settlement", 1);
  lua_setfield(L, -2, "cycle");
  push_ledger(L);
  lua_setfield(L, -2, "ledger");
  lua_createtable(L, 0, 4);
  set_boolean(L, "subscriptions_halted", 0);
  set_boolean(L, "relayer_frozen", 0);
  set_boolean(L, "skip_next_cycle", 0);
  set_boolean(L, "migrating", 0);
  lua_setfield(L, -2, "flags");
  lua_newtable(L);
  lua_setfield(L, -2, "state");
}

/* }====================================================== */


/*
** {======================================================
** The instruction budget: the same count hook the sandbox arms.
** =======================================================
*/

#define INSTRUCTION_BUDGET 10000000L  /* per call, the Unit Artifact's limits.instructions */
#define HOOK_EVERY 1000               /* instructions between two hook calls */

static long budget_left;

static void count_hook (lua_State *L, lua_Debug *ar) {
  (void)ar;
  budget_left -= HOOK_EVERY;
  if (budget_left <= 0) luaL_error(L, "instruction budget exhausted");
}

/* }====================================================== */


/*
** {======================================================
** The driver
** =======================================================
*/

/* Prints s as a JSON string. */
static void print_json_string (const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}


/* Prints the decision at the top of the stack as one JSON line, fields as strings. */
static void print_decision (lua_State *L) {
  static const char *const fields[] = {"subscribe", "redeem", "exchange_rate", "note", NULL};
  int i;
  printf("{\"decision\": {");
  for (i = 0; fields[i] != NULL; i++) {
    printf(i == 0 ? "\"%s\": " : ", \"%s\": ", fields[i]);
    if (lua_getfield(L, -1, fields[i]) == LUA_TNIL) printf("null");
    else {
      print_json_string(luaL_tolstring(L, -1, NULL));
      lua_pop(L, 1);  /* the string */
    }
    lua_pop(L, 1);  /* the field */
  }
  printf("}}\n");
}


/*
** Calls settle (at stack index 1) with a fresh ctx. Leaves the decision on
** the stack when keep is set; exits 1 on a Lua error.
*/
static void call_settle (lua_State *L, int keep) {
  lua_pushvalue(L, 1);
  push_ctx(L);
  budget_left = INSTRUCTION_BUDGET;
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    fprintf(stderr, "baseline_host: settle failed: %s\n", lua_tostring(L, -1));
    exit(1);
  }
  if (!keep) lua_pop(L, 1);
}


/* Opens a plain state whose require finds the stdlib, the policy's folder and halo.host. */
static lua_State *open_state (const char *policy, const char *stdlib_dir) {
  lua_State *L = luaL_newstate();
  const char *slash = strrchr(policy, '/');
  int dir_len = slash ? (int)(slash - policy) : 1;
  const char *dir = slash ? policy : ".";
  if (L == NULL) { fprintf(stderr, "baseline_host: out of memory\n"); exit(2); }
  luaL_openlibs(L);
  register_amount_type(L);
  lua_getglobal(L, "package");
  lua_pushfstring(L, "%s/?.lua;", stdlib_dir);
  lua_pushlstring(L, dir, (size_t)dir_len);
  lua_pushliteral(L, "/?.lua");
  lua_concat(L, 3);
  lua_setfield(L, -2, "path");
  lua_pushliteral(L, "");  /* no C modules: the policy gets only what the runtime gives */
  lua_setfield(L, -2, "cpath");
  lua_getfield(L, -1, "preload");
  lua_pushcfunction(L, luaopen_halo_host);
  lua_setfield(L, -2, "halo.host");
  lua_pop(L, 2);
  return L;
}


/* Loads the policy and leaves its settle function at stack index 1; exits 1 on failure. */
static void load_settle (lua_State *L, const char *policy) {
  if (luaL_loadfile(L, policy) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
    fprintf(stderr, "baseline_host: cannot load policy: %s\n", lua_tostring(L, -1));
    exit(1);
  }
  if (!lua_istable(L, -1) || lua_getfield(L, -1, "settle") != LUA_TFUNCTION) {
    fprintf(stderr, "baseline_host: %s does not return a table with a settle function\n", policy);
    exit(1);
  }
  lua_replace(L, 1);
  lua_settop(L, 1);
}


static double now_ns (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}


static void usage (void) {
  fprintf(stderr, "usage: baseline_host POLICY STDLIB_DIR ITERATIONS [--hook] [--print-decision]\n");
  exit(2);
}


int main (int argc, char **argv) {
  const char *positional[3];
  int npositional = 0, hooked = 0, show_decision = 0, i;
  long iterations, call;
  char *end;
  double start, elapsed;
  lua_State *L;
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--hook") == 0) hooked = 1;
    else if (strcmp(argv[i], "--print-decision") == 0) show_decision = 1;
    else if (npositional < 3 && argv[i][0] != '-') positional[npositional++] = argv[i];
    else usage();
  }
  if (npositional != 3) usage();
  iterations = strtol(positional[2], &end, 10);
  if (*end != '\0' || iterations < 1) usage();

  init_fixture();
  L = open_state(positional[0], positional[1]);
  load_settle(L, positional[0]);
  if (hooked) lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);

  call_settle(L, 1);  /* the first call, counted in the warm-up */
  if (show_decision) print_decision(L);
  lua_settop(L, 1);
  for (call = 1; call < iterations / 10; call++) call_settle(L, 0);

  start = now_ns();
  for (call = 0; call < iterations; call++) call_settle(L, 0);
  elapsed = now_ns() - start;

  printf("{\"ns_per_call\": %.1f, \"iterations\": %ld, \"hooked\": %s, \"lua_kb\": %.1f}\n",
         elapsed / (double)iterations, iterations, hooked ? "true" : "false",
         lua_gc(L, LUA_GCCOUNT, 0) + lua_gc(L, LUA_GCCOUNTB, 0) / 1024.0);
  lua_close(L);
  return 0;
}

/* }====================================================== */

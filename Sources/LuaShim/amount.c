/*
** amount.c: the `halo.amount` userdata computed in C.
**
** Contract (the same as HaloCore's Amount/UInt256 and the Swift binding it replaces on the
** hot path):
** - a value is 256-bit unsigned base units plus its decimals: the 33-byte payload is the
**   units as 32 little-endian bytes, then the decimals byte;
** - arithmetic is exact and rounds toward zero; a result past 2^256 - 1 is an overflow, one
**   below zero an underflow, a zero divisor a division by zero: each raises a Lua error
**   with the same text the Swift binding gives ("amount +: amount arithmetic overflowed
**   256 bits", "amount underflow: 1 - 2 is below zero", "amount /: division by zero" ...);
** - operands are amounts, whole-token integers (>= 0) and decimal strings, read with the
**   other operand's decimals (18 when neither is an amount);
** - text is FixedPointText's format: digits, optionally one point and at least one digit,
**   trailing zeros trimmed when printing.
**
** Everything else (float ratios, operands of other types, strings that do not parse) goes
** to the Swift host function the closure carries as upvalue 1, so those rare paths keep
** exactly the Swift semantics and messages. Upvalue 2 is the amount metatable.
**
** The u256 helpers at the top never touch Lua; Swift's differential test calls them through
** halo_u256_* (lua_shim.h) and compares each against HaloCore's UInt256.
*/
#include <pthread.h>
#include <string.h>
#include "shim.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "amount.c reads the little-endian payload with memcpy; port the loads first"
#endif

typedef struct u256 { uint64_t w[4]; } u256;  /* w[0] least significant */

#define AMOUNT_PAYLOAD 33
#define MAX_DECIMALS 77  /* the largest n with 10^n < 2^256 (FixedPointText.maximumDecimals) */

/* ---------- 256-bit arithmetic (no Lua) ---------- */

static int u256_is_zero(const u256 *a) { return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0; }

static int u256_cmp(const u256 *a, const u256 *b) {
  for (int i = 3; i >= 0; i--)
    if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
  return 0;
}

/* r = a + b; returns 1 on overflow (r is then the wrapped sum). */
static int u256_add(u256 *r, const u256 *a, const u256 *b) {
  unsigned __int128 carry = 0;
  for (int i = 0; i < 4; i++) {
    carry += (unsigned __int128)a->w[i] + b->w[i];
    r->w[i] = (uint64_t)carry;
    carry >>= 64;
  }
  return carry != 0;
}

/* r = a - b; returns 1 on underflow. */
static int u256_sub(u256 *r, const u256 *a, const u256 *b) {
  uint64_t borrow = 0;
  for (int i = 0; i < 4; i++) {
    uint64_t x = a->w[i], y = b->w[i], d = x - y - borrow;
    borrow = (x < y) || (x == y && borrow) ? 1 : 0;
    r->w[i] = d;
  }
  return borrow != 0;
}

/* p[0..7] = a * b, the full 512-bit product. */
static void u256_mul_full(uint64_t p[8], const u256 *a, const u256 *b) {
  memset(p, 0, 8 * sizeof p[0]);
  for (int i = 0; i < 4; i++) {
    unsigned __int128 carry = 0;
    if (a->w[i] == 0) continue;
    for (int j = 0; j < 4; j++) {
      carry += (unsigned __int128)a->w[i] * b->w[j] + p[i + j];
      p[i + j] = (uint64_t)carry;
      carry >>= 64;
    }
    p[i + 4] = (uint64_t)carry;
  }
}

static int nlz32(uint32_t x) { return x == 0 ? 32 : __builtin_clz(x); }

/*
** Knuth's algorithm D on 32-bit digits (Hacker's Delight, divmnu64): q[0..m-n] = u / v for
** u of m digits and v of n digits, v[n-1] != 0, m >= n. 64-bit intermediates never overflow:
** qhat < 2^32 once it is compared with a product, and rhat < 2^32 in b * rhat.
*/
static void divmnu(uint32_t *q, const uint32_t *u, const uint32_t *v, int m, int n) {
  const uint64_t b = 4294967296ULL;
  uint32_t un[17], vn[8];
  if (n == 1) {
    uint64_t k = 0;
    for (int j = m - 1; j >= 0; j--) {
      uint64_t cur = k * b + u[j];
      q[j] = (uint32_t)(cur / v[0]);
      k = cur - (uint64_t)q[j] * v[0];
    }
    return;
  }
  int s = nlz32(v[n - 1]);
  for (int i = n - 1; i > 0; i--)
    vn[i] = (uint32_t)(((uint64_t)v[i] << s) | ((uint64_t)v[i - 1] >> (32 - s)));
  vn[0] = (uint32_t)((uint64_t)v[0] << s);
  un[m] = (uint32_t)((uint64_t)u[m - 1] >> (32 - s));
  for (int i = m - 1; i > 0; i--)
    un[i] = (uint32_t)(((uint64_t)u[i] << s) | ((uint64_t)u[i - 1] >> (32 - s)));
  un[0] = (uint32_t)((uint64_t)u[0] << s);
  for (int j = m - n; j >= 0; j--) {
    uint64_t num = ((uint64_t)un[j + n] << 32) | un[j + n - 1];
    uint64_t qhat = num / vn[n - 1], rhat = num - qhat * vn[n - 1];
    while (qhat >= b || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
      qhat--;
      rhat += vn[n - 1];
      if (rhat >= b) break;
    }
    int64_t k = 0, t;
    for (int i = 0; i < n; i++) {
      uint64_t p = qhat * vn[i];
      t = (int64_t)un[i + j] - k - (int64_t)(p & 0xFFFFFFFFULL);
      un[i + j] = (uint32_t)t;
      k = (int64_t)(p >> 32) - (t >> 32);
    }
    t = (int64_t)un[j + n] - k;
    un[j + n] = (uint32_t)t;
    q[j] = (uint32_t)qhat;
    if (t < 0) {  /* qhat was one too large: add v back */
      uint64_t c = 0;
      q[j]--;
      for (int i = 0; i < n; i++) {
        c += (uint64_t)un[i + j] + vn[i];
        un[i + j] = (uint32_t)c;
        c >>= 32;
      }
      un[j + n] = (uint32_t)((uint64_t)un[j + n] + c);
    }
  }
}

enum { AMT_OK = 0, AMT_OVERFLOW = 1, AMT_UNDERFLOW = 2, AMT_DIV0 = 3, AMT_FORMAT = 4, AMT_DECIMALS = 5 };

/* r = floor(num[0..7] / c), num a 512-bit value; AMT_OVERFLOW if it needs more than 256 bits. */
static int u512_div(u256 *r, const uint64_t num[8], const u256 *c) {
  uint32_t u[16], v[8], q[16];
  int m = 16, n = 8;
  if (u256_is_zero(c)) return AMT_DIV0;
  for (int i = 0; i < 8; i++) { u[2 * i] = (uint32_t)num[i]; u[2 * i + 1] = (uint32_t)(num[i] >> 32); }
  for (int i = 0; i < 4; i++) { v[2 * i] = (uint32_t)c->w[i]; v[2 * i + 1] = (uint32_t)(c->w[i] >> 32); }
  while (m > 0 && u[m - 1] == 0) m--;
  while (v[n - 1] == 0) n--;
  memset(r, 0, sizeof *r);
  if (m < n) return AMT_OK;
  memset(q, 0, sizeof q);
  divmnu(q, u, v, m, n);
  for (int i = 8; i < 16; i++) if (q[i] != 0) return AMT_OVERFLOW;
  for (int i = 0; i < 4; i++) r->w[i] = (uint64_t)q[2 * i] | ((uint64_t)q[2 * i + 1] << 32);
  return AMT_OK;
}

/* r = a * b / c rounded down (UInt256.mulDiv): a zero c first, then a quotient past 256 bits. */
static int u256_mul_div(u256 *r, const u256 *a, const u256 *b, const u256 *c) {
  uint64_t p[8];
  if (u256_is_zero(c)) return AMT_DIV0;
  u256_mul_full(p, a, b);
  return u512_div(r, p, c);
}

/* r = a * b; AMT_OVERFLOW past 256 bits. */
static int u256_mul(u256 *r, const u256 *a, const u256 *b) {
  uint64_t p[8];
  u256_mul_full(p, a, b);
  if ((p[4] | p[5] | p[6] | p[7]) != 0) return AMT_OVERFLOW;
  memcpy(r->w, p, sizeof r->w);
  return AMT_OK;
}

/* r = a / b rounded down. */
static int u256_div(u256 *r, const u256 *a, const u256 *b) {
  uint64_t num[8] = { a->w[0], a->w[1], a->w[2], a->w[3], 0, 0, 0, 0 };
  return u512_div(r, num, b);
}

/* 10^n for n <= 77 (FixedPointText's maximum). */
static u256 u256_pow10(int n) {
  u256 r = { { 1, 0, 0, 0 } };
  for (int i = 0; i < n; i++) {
    unsigned __int128 carry = 0;
    for (int k = 0; k < 4; k++) {
      carry += (unsigned __int128)r.w[k] * 10;
      r.w[k] = (uint64_t)carry;
      carry >>= 64;
    }
  }
  return r;
}

/* Cached scales: every operation on 18-decimal amounts needs 10^18. Filled once per process
** (sandboxes may run on several threads). */
static u256 scales[MAX_DECIMALS + 1];
static pthread_once_t scales_once = PTHREAD_ONCE_INIT;
static void fill_scales(void) {
  for (int i = 0; i <= MAX_DECIMALS; i++) scales[i] = u256_pow10(i);
}
static const u256 *scale_of(int decimals) {
  pthread_once(&scales_once, fill_scales);
  return &scales[decimals];
}

/* a = a * 10 + digit; returns 1 on overflow. */
static int u256_mul10_add(u256 *a, unsigned digit) {
  unsigned __int128 carry = digit;
  for (int k = 0; k < 4; k++) {
    carry += (unsigned __int128)a->w[k] * 10;
    a->w[k] = (uint64_t)carry;
    carry >>= 64;
  }
  return carry != 0;
}

/*
** FixedPointText.parse: digits, optionally '.' and at least one digit; more fraction digits
** than `decimals` is AMT_DECIMALS, a value past 2^256 - 1 AMT_OVERFLOW, anything else that
** is not that shape AMT_FORMAT.
*/
static int u256_parse(u256 *r, const char *s, size_t len, int decimals) {
  size_t i = 0, intd, frac = 0;
  memset(r, 0, sizeof *r);
  if (decimals < 0 || decimals > MAX_DECIMALS) return AMT_FORMAT;
  while (i < len && s[i] >= '0' && s[i] <= '9') i++;
  intd = i;
  if (intd == 0) return AMT_FORMAT;
  if (i < len) {
    if (s[i] != '.' || i + 1 >= len) return AMT_FORMAT;
    for (size_t j = i + 1; j < len; j++)
      if (s[j] < '0' || s[j] > '9') return AMT_FORMAT;
    frac = len - i - 1;
  }
  if (frac > (size_t)decimals) return AMT_DECIMALS;
  for (size_t j = 0; j < intd; j++)
    if (u256_mul10_add(r, (unsigned)(s[j] - '0'))) return AMT_OVERFLOW;
  for (size_t j = intd + 1; j < intd + 1 + frac; j++)
    if (u256_mul10_add(r, (unsigned)(s[j] - '0'))) return AMT_OVERFLOW;
  return u256_mul(r, r, scale_of(decimals - (int)frac));
}

/* The base-10 digits of a, most significant first, into d (at least 78 bytes); returns the count. */
static int u256_digits(const u256 *a, char *d) {
  char rev[80];
  int n = 0;
  u256 x = *a;
  const uint64_t chunk = 10000000000000000000ULL;  /* 10^19 */
  if (u256_is_zero(&x)) { d[0] = '0'; return 1; }
  while (!u256_is_zero(&x)) {
    unsigned __int128 rem = 0;
    for (int k = 3; k >= 0; k--) {
      unsigned __int128 cur = (rem << 64) | x.w[k];
      x.w[k] = (uint64_t)(cur / chunk);
      rem = cur % chunk;
    }
    uint64_t part = (uint64_t)rem;
    int last = u256_is_zero(&x);
    for (int i = 0; i < 19 && (!last || part != 0); i++) {
      rev[n++] = (char)('0' + part % 10);
      part /= 10;
    }
  }
  for (int i = 0; i < n; i++) d[i] = rev[n - 1 - i];
  return n;
}

/* FixedPointText.format: the exact decimal, trailing fraction zeros trimmed; returns the length. */
static size_t u256_format(const u256 *a, int decimals, char *out /* >= 160 bytes */) {
  char d[80], padded[340];
  int n = u256_digits(a, d), len = n, split, end;
  if (decimals <= 0) { memcpy(out, d, (size_t)n); return (size_t)n; }
  if (n <= decimals) {
    int pad = decimals - n + 1;
    memset(padded, '0', (size_t)pad);
    memcpy(padded + pad, d, (size_t)n);
    len = pad + n;
  } else {
    memcpy(padded, d, (size_t)n);
  }
  split = len - decimals;
  end = len;
  while (end > split && padded[end - 1] == '0') end--;
  memcpy(out, padded, (size_t)split);
  if (end == split) return (size_t)split;
  out[split] = '.';
  memcpy(out + split + 1, padded + split, (size_t)(end - split));
  return (size_t)(end + 1);
}

/* ---------- exported for the differential test ---------- */

static void load_u256(u256 *r, const uint8_t *bytes) { memcpy(r->w, bytes, 32); }
static void store_u256(uint8_t *bytes, const u256 *r) { memcpy(bytes, r->w, 32); }

int halo_u256_op(int op, const uint8_t *a, const uint8_t *b, const uint8_t *c, uint8_t *out) {
  u256 x, y, z, r;
  int status = AMT_OK;
  load_u256(&x, a);
  load_u256(&y, b);
  load_u256(&z, c);
  memset(&r, 0, sizeof r);
  switch (op) {
    case HALO_U256_ADD: status = u256_add(&r, &x, &y) ? AMT_OVERFLOW : AMT_OK; break;
    case HALO_U256_SUB: status = u256_sub(&r, &x, &y) ? AMT_UNDERFLOW : AMT_OK; break;
    case HALO_U256_MUL: status = u256_mul(&r, &x, &y); break;
    case HALO_U256_DIV: status = u256_div(&r, &x, &y); break;
    case HALO_U256_MULDIV: status = u256_mul_div(&r, &x, &y, &z); break;
    case HALO_U256_CMP: return u256_cmp(&x, &y);
    default: return -1;
  }
  store_u256(out, &r);
  return status;
}

int halo_u256_parse(const char *text, size_t length, int decimals, uint8_t *out) {
  u256 r;
  int status = u256_parse(&r, text, length, decimals);
  store_u256(out, &r);
  return status;
}

size_t halo_u256_format(const uint8_t *units, int decimals, char *out) {
  u256 x;
  load_u256(&x, units);
  if (decimals < 0 || decimals > MAX_DECIMALS) return 0;
  return u256_format(&x, decimals, out);
}

/* ---------- the Lua side ---------- */

typedef struct amount { u256 units; int decimals; } amount;

#define FALLBACK lua_upvalueindex(1)
#define AMOUNT_MT lua_upvalueindex(2)

/* The amount at idx, if it is one of ours (same metatable). A light userdata gets past the
** first test but not the metatable's (it has none of ours) nor the size (0). Metatables are
** compared by address: tables are equal only to themselves, and the amount metatable lives as
** long as the state. why: about sixty reads per tbill settle; the API calls were most of it. */
static int get_amount(lua_State *L, int idx, amount *a) {
  const uint8_t *p = (const uint8_t *)lua_touserdata(L, idx);
  int same;
  if (p == NULL || !lua_getmetatable(L, idx)) return 0;
  {
    halo_state *st = halo_get(L);
    same = lua_topointer(L, -1) == (st->amount_mts == 1 ? st->amount_mt : lua_topointer(L, AMOUNT_MT));
  }
  lua_settop(L, -2);
  if (!same || lua_rawlen(L, idx) != AMOUNT_PAYLOAD) return 0;
  load_u256(&a->units, p);
  a->decimals = p[32];
  return 1;
}

static int push_amount(lua_State *L, const u256 *units, int decimals) {
  uint8_t *p = (uint8_t *)lua_newuserdatauv(L, AMOUNT_PAYLOAD, 0);
  store_u256(p, units);
  p[32] = (uint8_t)decimals;
  lua_pushvalue(L, AMOUNT_MT);
  lua_setmetatable(L, -2);
  return 1;
}

/* Hands the call to the Swift host function: its semantics, its messages. Run in place (not
** through lua_call), so an error is located at the calling Lua line exactly as before. */
static int fallback(lua_State *L) {
  int32_t id;
  lua_getupvalue(L, FALLBACK, 1);  /* the trampoline's function id */
  id = (int32_t)lua_tointegerx(L, -1, NULL);
  lua_pop(L, 1);
  return halo_call_host(L, id);
}

/* The message of a failed u256 status, as AmountError.message words it. */
static const char *status_message(int status) {
  switch (status) {
    case AMT_OVERFLOW: return "amount arithmetic overflowed 256 bits";
    case AMT_UNDERFLOW: return "amount arithmetic went below zero";
    default: return "division by zero";
  }
}

static int raise_status(lua_State *L, const char *what, int status) {
  return luaL_error(L, "%s: %s", what, status_message(status));
}

/*
** An operand read with `decimals` (AmountBinding.operand): an amount as it is, an integer
** >= 0 as whole tokens, a decimal string. Returns 0 when the Swift binding must decide
** (a float, another type, a string that does not parse): it words those errors.
*/
static int operand_other(lua_State *L, int idx, int decimals, const char *what, amount *out);

static int operand(lua_State *L, int idx, int decimals, const char *what, amount *out) {
  if (get_amount(L, idx, out)) return 1;
  return operand_other(L, idx, decimals, what, out);
}

/* An operand known not to be an amount. */
static int operand_other(lua_State *L, int idx, int decimals, const char *what, amount *out) {
  out->decimals = decimals;
  if (decimals > MAX_DECIMALS) return 0;
  if (lua_type(L, idx) == LUA_TNUMBER && lua_isinteger(L, idx)) {
    lua_Integer whole = lua_tointegerx(L, idx, NULL);
    u256 w = { { (uint64_t)whole, 0, 0, 0 } };
    int status;
    if (whole < 0) luaL_error(L, "%s: amounts are never negative (%I)", what, (LUAI_UACINT)whole);
    status = u256_mul(&out->units, &w, scale_of(decimals));
    if (status != AMT_OK) raise_status(L, what, status);
    return 1;
  }
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    return u256_parse(&out->units, s, len, decimals) == AMT_OK;
  }
  return 0;
}

/* Both operands of a binary operation (AmountBinding.operands); 0 sends the call to Swift. */
static int operands(lua_State *L, const char *what, amount *a, amount *b) {
  int da, db, decimals = 18;
  if ((da = get_amount(L, 1, a)) & (db = get_amount(L, 2, b))) {
    if (a->decimals != b->decimals)
      luaL_error(L, "%s: amounts with different decimals (%d and %d)", what, a->decimals, b->decimals);
    return a->decimals <= MAX_DECIMALS;
  }
  if (da) decimals = a->decimals;
  else if (db) decimals = b->decimals;
  /* an amount operand is already read: only the other one is converted */
  return (da || operand_other(L, 1, decimals, what, a)) && (db || operand_other(L, 2, decimals, what, b));
}

static int is_float(lua_State *L, int idx) { return lua_type(L, idx) == LUA_TNUMBER && !lua_isinteger(L, idx); }

static int am_add(lua_State *L) {
  amount a, b;
  u256 r;
  if (!operands(L, "amount +", &a, &b)) return fallback(L);
  if (u256_add(&r, &a.units, &b.units)) return raise_status(L, "amount +", AMT_OVERFLOW);
  return push_amount(L, &r, a.decimals);
}

static int am_sub(lua_State *L) {
  amount a, b;
  u256 r;
  if (!operands(L, "amount -", &a, &b)) return fallback(L);
  if (u256_sub(&r, &a.units, &b.units)) {
    char x[160], y[160];
    size_t lx = u256_format(&a.units, a.decimals, x), ly = u256_format(&b.units, b.decimals, y);
    x[lx] = 0;
    y[ly] = 0;
    return luaL_error(L, "amount underflow: %s - %s is below zero", x, y);
  }
  return push_amount(L, &r, a.decimals);
}

/* amount * integer, either side: the units times the integer. */
static int times_integer(lua_State *L, const amount *a, lua_Integer n) {
  u256 f = { { (uint64_t)n, 0, 0, 0 } }, r;
  int status;
  if (n < 0) return luaL_error(L, "amount *: negative factor %I", (LUAI_UACINT)n);
  status = u256_mul(&r, &a->units, &f);
  if (status != AMT_OK) return raise_status(L, "amount *", status);
  return push_amount(L, &r, a->decimals);
}

static int am_mul(lua_State *L) {
  amount a, b;
  u256 r;
  int status;
  if (is_float(L, 1) || is_float(L, 2)) return fallback(L);  /* float ratios: Swift's reading */
  if (lua_isinteger(L, 2) && get_amount(L, 1, &a)) return times_integer(L, &a, lua_tointegerx(L, 2, NULL));
  if (lua_isinteger(L, 1) && get_amount(L, 2, &a)) return times_integer(L, &a, lua_tointegerx(L, 1, NULL));
  if (!operands(L, "amount *", &a, &b)) return fallback(L);
  status = u256_mul_div(&r, &a.units, &b.units, scale_of(a.decimals));
  if (status != AMT_OK) return raise_status(L, "amount *", status);
  return push_amount(L, &r, a.decimals);
}

static int am_div(lua_State *L) {
  amount a, b;
  u256 r;
  int status;
  if (is_float(L, 1) || is_float(L, 2)) return fallback(L);
  if (lua_isinteger(L, 2)) {
    lua_Integer n = lua_tointegerx(L, 2, NULL);
    u256 d = { { (uint64_t)n, 0, 0, 0 } };
    if (!get_amount(L, 1, &a)) return fallback(L);
    if (n == 0) return luaL_error(L, "amount /: division by zero");
    if (n < 0) return luaL_error(L, "amount /: negative divisor %I", (LUAI_UACINT)n);
    u256_div(&r, &a.units, &d);
    return push_amount(L, &r, a.decimals);
  }
  if (!operands(L, "amount /", &a, &b)) return fallback(L);
  if (u256_is_zero(&b.units)) return luaL_error(L, "amount /: division by zero");
  status = u256_mul_div(&r, &a.units, scale_of(a.decimals), &b.units);
  if (status != AMT_OK) return raise_status(L, "amount /", status);
  return push_amount(L, &r, a.decimals);
}

/* Amount order: units, then decimals (equal decimals here: operands refuses the rest). */
static int compare(const amount *a, const amount *b) {
  int c = u256_cmp(&a->units, &b->units);
  return c != 0 ? c : (a->decimals > b->decimals) - (a->decimals < b->decimals);
}

static int am_eq(lua_State *L) {
  amount a, b;
  if (!operands(L, "amount ==", &a, &b)) return fallback(L);
  lua_pushboolean(L, compare(&a, &b) == 0);
  return 1;
}

static int am_lt(lua_State *L) {
  amount a, b;
  if (!operands(L, "amount <", &a, &b)) return fallback(L);
  lua_pushboolean(L, compare(&a, &b) < 0);
  return 1;
}

static int am_le(lua_State *L) {
  amount a, b;
  if (!operands(L, "amount <=", &a, &b)) return fallback(L);
  lua_pushboolean(L, compare(&a, &b) <= 0);
  return 1;
}

static void push_text(lua_State *L, const amount *a) {
  char text[160];
  size_t n = u256_format(&a->units, a->decimals, text);
  lua_pushlstring(L, text, n);
}

static int am_tostring(lua_State *L) {
  amount a;
  if (!get_amount(L, 1, &a) || a.decimals > MAX_DECIMALS) return fallback(L);
  push_text(L, &a);
  return 1;
}

/* Text of a concatenation operand; 0 for what Swift words (floats, other types). */
static int concat_piece(lua_State *L, int idx) {
  amount a;
  if (get_amount(L, idx, &a)) {
    if (a.decimals > MAX_DECIMALS) return 0;
    push_text(L, &a);
    return 1;
  }
  if (lua_type(L, idx) == LUA_TSTRING) { lua_pushvalue(L, idx); return 1; }
  if (lua_type(L, idx) == LUA_TNUMBER && lua_isinteger(L, idx)) {
    lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointegerx(L, idx, NULL));
    return 1;
  }
  return 0;
}

static int am_concat(lua_State *L) {
  lua_settop(L, 2);
  if (!concat_piece(L, 1)) return fallback(L);
  if (!concat_piece(L, 2)) { lua_settop(L, 2); return fallback(L); }
  lua_concat(L, 2);
  return 1;
}

static int am_is_zero(lua_State *L) {
  amount a;
  if (!get_amount(L, 1, &a)) return fallback(L);
  lua_pushboolean(L, u256_is_zero(&a.units));
  return 1;
}

static int am_min(lua_State *L) {
  amount a, b;
  if (!operands(L, "min", &a, &b)) return fallback(L);
  return compare(&b, &a) < 0 ? push_amount(L, &b.units, b.decimals) : push_amount(L, &a.units, a.decimals);
}

static int am_max(lua_State *L) {
  amount a, b;
  if (!operands(L, "max", &a, &b)) return fallback(L);
  return compare(&b, &a) > 0 ? push_amount(L, &b.units, b.decimals) : push_amount(L, &a.units, a.decimals);
}

static int am_mul_div(lua_State *L) {
  amount a, b, c;
  u256 r;
  int status;
  if (!get_amount(L, 1, &a) || is_float(L, 2) || is_float(L, 3)) return fallback(L);
  if (!operand(L, 2, a.decimals, "mul_div", &b) || !operand(L, 3, a.decimals, "mul_div", &c)) return fallback(L);
  if (u256_is_zero(&c.units)) return luaL_error(L, "mul_div: division by zero");
  status = u256_mul_div(&r, &a.units, &b.units, &c.units);
  if (status != AMT_OK) return raise_status(L, "mul_div", status);
  return push_amount(L, &r, a.decimals);
}

static int am_floor(lua_State *L) {
  amount a;
  u256 q, r;
  if (!get_amount(L, 1, &a) || a.decimals > MAX_DECIMALS) return fallback(L);
  u256_div(&q, &a.units, scale_of(a.decimals));
  u256_mul(&r, &q, scale_of(a.decimals));  /* <= a: cannot overflow */
  return push_amount(L, &r, a.decimals);
}

static int am_units(lua_State *L) {
  amount a;
  char d[80];
  if (!get_amount(L, 1, &a)) return fallback(L);
  lua_pushlstring(L, d, (size_t)u256_digits(&a.units, d));
  return 1;
}

/* halo.amount(x): an amount (as is), whole tokens, or a decimal string, with 18 decimals. */
static int am_new(lua_State *L) {
  amount a;
  if (lua_gettop(L) < 1 || is_float(L, 1)) return fallback(L);
  if (!operand(L, 1, 18, "halo.amount", &a)) return fallback(L);
  return push_amount(L, &a.units, a.decimals);
}

static int am_is_amount(lua_State *L) {
  amount a;
  lua_pushboolean(L, get_amount(L, 1, &a));
  return 1;
}

/* ---------- installation ---------- */

/* t[name] = closure(f, t[name] (the Swift function), mt), for a table t at index t. */
static void install(lua_State *L, int t, int mt, const char *name, lua_CFunction f) {
  lua_getfield(L, t, name);  /* the Swift host function becomes the fallback */
  if (lua_isnil(L, -1)) luaL_error(L, "amount: no host function '%s' to wrap", name);
  lua_pushvalue(L, mt);
  lua_pushcclosure(L, f, 2);
  lua_setfield(L, t, name);
}

typedef struct install_args { int32_t type_id; const char *module; } install_args;

static int install_entry(lua_State *L) {
  install_args *a = (install_args *)lua_touserdata(L, 1);
  halo_state *st = halo_get(L);
  static const struct { const char *name; lua_CFunction f; } meta[] = {
    { "__add", am_add }, { "__sub", am_sub }, { "__mul", am_mul }, { "__div", am_div },
    { "__eq", am_eq }, { "__lt", am_lt }, { "__le", am_le }, { "__tostring", am_tostring },
    { "__concat", am_concat },
  }, methods[] = {
    { "is_zero", am_is_zero }, { "min", am_min }, { "max", am_max }, { "mul_div", am_mul_div },
    { "floor", am_floor }, { "units", am_units },
  }, module[] = { { "amount", am_new }, { "is_amount", am_is_amount } };
  if (a->type_id < 0 || a->type_id >= st->ntypes || st->type_size[a->type_id] != AMOUNT_PAYLOAD)
    return luaL_error(L, "amount: type %d is not a %d-byte userdata", (int)a->type_id, AMOUNT_PAYLOAD);
  lua_rawgeti(L, LUA_REGISTRYINDEX, st->type_mt[a->type_id]);  /* 2: the metatable */
  if (st->amount_mts == 0 || st->amount_mt != lua_topointer(L, 2)) {  /* get_amount's shortcut */
    st->amount_mts++;
    st->amount_mt = lua_topointer(L, 2);
  }
  for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++) install(L, 2, 2, meta[i].name, meta[i].f);
  lua_getfield(L, 2, "__index");
  halo_push_backing(L, -1);                                     /* 4: the methods */
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) install(L, 4, 2, methods[i].name, methods[i].f);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_PRELOAD);
  lua_getfield(L, -1, a->module);
  halo_push_backing(L, -1);                                     /* 7: the module */
  for (size_t i = 0; i < sizeof module / sizeof module[0]; i++) install(L, 7, 2, module[i].name, module[i].f);
  return 0;
}

int halo_amount_install(halo_state *st, int32_t type_id, const char *module) {
  install_args a = { type_id, module };
  return halo_run_unbudgeted(st, install_entry, &a);
}

/*
** amount_sanitize.c: the C amount code (Sources/LuaShim/amount.c) under ASan/UBSan.
**
**   make sanitize
**
** 1. A differential test of every 256-bit operation (add, sub, mul, div, mul-div, compare,
**    parse, format) against a slow, obviously correct reference (schoolbook products and
**    bit-by-bit long division on 32-bit digits), on random operands of every width and on
**    the edges 0, 1, 2^64, 2^128 - 1, 2^128, 2^255, 2^256 - 1.
** 2. The amount tests in Lua: a sandbox with halo.amount installed in C runs every operation,
**    its errors and its texts; the Swift fallback is a host callback that raises a marker.
** Exits 0 when everything agrees; prints the first disagreement and exits 1 otherwise.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lua_shim.h"

typedef struct { uint32_t d[8]; } ref256;  /* little-endian 32-bit digits */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next64(void) {  /* splitmix64 */
  uint64_t z = (rng += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static void to_bytes(const ref256 *x, uint8_t *b) { memcpy(b, x->d, 32); }
static void from_bytes(ref256 *x, const uint8_t *b) { memcpy(x->d, b, 32); }

static ref256 edge(int which) {
  ref256 x;
  memset(&x, 0, sizeof x);
  switch (which) {
    case 0: break;                                     /* 0 */
    case 1: x.d[0] = 1; break;                         /* 1 */
    case 2: x.d[2] = 1; break;                         /* 2^64 */
    case 3: for (int i = 0; i < 4; i++) x.d[i] = 0xFFFFFFFFu; break;  /* 2^128 - 1 */
    case 4: x.d[4] = 1; break;                         /* 2^128 */
    case 5: x.d[7] = 0x80000000u; break;               /* 2^255 */
    case 6: for (int i = 0; i < 8; i++) x.d[i] = 0xFFFFFFFFu; break;  /* 2^256 - 1 */
    default: x.d[0] = 0xA7640000u; x.d[1] = 0x0DE0B6B3u; break;      /* 10^18 */
  }
  return x;
}

static ref256 random_value(void) {
  ref256 x;
  uint64_t r = next64();
  if (r % 5 == 0) return edge((int)((r >> 8) % 8));
  memset(&x, 0, sizeof x);
  int digits = 1 + (int)((r >> 16) % 8);
  for (int i = 0; i < digits; i++) x.d[i] = (uint32_t)next64();
  if ((r >> 24) % 3 == 0) x.d[digits - 1] >>= (r >> 32) % 32;  /* odd bit widths */
  return x;
}

/* ---- reference arithmetic ---- */
static int ref_cmpn(const uint32_t *a, const uint32_t *b, int n) {
  for (int i = n - 1; i >= 0; i--) if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
static int ref_addn(uint32_t *r, const uint32_t *a, const uint32_t *b, int n) {
  uint64_t c = 0;
  for (int i = 0; i < n; i++) { c += (uint64_t)a[i] + b[i]; r[i] = (uint32_t)c; c >>= 32; }
  return (int)c;
}
static int ref_subn(uint32_t *r, const uint32_t *a, const uint32_t *b, int n) {
  int64_t c = 0;
  for (int i = 0; i < n; i++) {
    int64_t t = (int64_t)a[i] - b[i] + c;
    r[i] = (uint32_t)t;
    c = t < 0 ? -1 : 0;
  }
  return c != 0;
}
static void ref_mul(uint32_t p[16], const ref256 *a, const ref256 *b) {
  memset(p, 0, 16 * 4);
  for (int i = 0; i < 8; i++) {
    uint64_t c = 0;
    for (int j = 0; j < 8; j++) {
      c += (uint64_t)a->d[i] * b->d[j] + p[i + j];
      p[i + j] = (uint32_t)c;
      c >>= 32;
    }
    p[i + 8] = (uint32_t)c;
  }
}
/* q = num / den by shift and subtract, num 16 digits, den 8 digits (den != 0). */
static void ref_div(uint32_t q[16], const uint32_t num[16], const ref256 *den) {
  uint32_t rem[17], d[17];
  memset(rem, 0, sizeof rem);
  memset(q, 0, 16 * 4);
  memset(d, 0, sizeof d);
  memcpy(d, den->d, 32);
  for (int bit = 511; bit >= 0; bit--) {
    for (int i = 16; i > 0; i--) rem[i] = (rem[i] << 1) | (rem[i - 1] >> 31);
    rem[0] = (rem[0] << 1) | ((num[bit / 32] >> (bit % 32)) & 1);
    if (ref_cmpn(rem, d, 17) >= 0) {
      ref_subn(rem, rem, d, 17);
      q[bit / 32] |= 1u << (bit % 32);
    }
  }
}
static int high_zero(const uint32_t *x) { for (int i = 8; i < 16; i++) if (x[i]) return 0; return 1; }
static int is_zero(const ref256 *x) { for (int i = 0; i < 8; i++) if (x->d[i]) return 0; return 1; }

static int failures = 0;
static void fail(const char *what, const ref256 *a, const ref256 *b) {
  if (failures++ < 10) {
    fprintf(stderr, "MISMATCH %s: a =", what);
    for (int i = 7; i >= 0; i--) fprintf(stderr, " %08x", a->d[i]);
    fprintf(stderr, " b =");
    for (int i = 7; i >= 0; i--) fprintf(stderr, " %08x", b->d[i]);
    fprintf(stderr, "\n");
  }
}

static void check_ops(const ref256 *a, const ref256 *b, const ref256 *c) {
  uint8_t ba[32], bb[32], bc[32], out[32];
  uint32_t p[16], q[16], want[8];
  ref256 got;
  int status, expected;
  to_bytes(a, ba); to_bytes(b, bb); to_bytes(c, bc);

  status = halo_u256_op(HALO_U256_ADD, ba, bb, bc, out);
  expected = ref_addn(want, a->d, b->d, 8) ? 1 : 0;
  from_bytes(&got, out);
  if (status != expected || (!expected && memcmp(got.d, want, 32))) fail("add", a, b);

  status = halo_u256_op(HALO_U256_SUB, ba, bb, bc, out);
  expected = ref_subn(want, a->d, b->d, 8) ? 2 : 0;
  from_bytes(&got, out);
  if (status != expected || (!expected && memcmp(got.d, want, 32))) fail("sub", a, b);

  status = halo_u256_op(HALO_U256_CMP, ba, bb, bc, out);
  if (status != ref_cmpn(a->d, b->d, 8)) fail("cmp", a, b);

  ref_mul(p, a, b);
  status = halo_u256_op(HALO_U256_MUL, ba, bb, bc, out);
  from_bytes(&got, out);
  expected = high_zero(p) ? 0 : 1;
  if (status != expected || (!expected && memcmp(got.d, p, 32))) fail("mul", a, b);

  status = halo_u256_op(HALO_U256_DIV, ba, bb, bc, out);
  from_bytes(&got, out);
  if (is_zero(b)) { if (status != 3) fail("div by zero", a, b); }
  else {
    uint32_t num[16] = { 0 };
    memcpy(num, a->d, 32);
    ref_div(q, num, b);
    if (status != 0 || memcmp(got.d, q, 32)) fail("div", a, b);
  }

  status = halo_u256_op(HALO_U256_MULDIV, ba, bb, bc, out);
  from_bytes(&got, out);
  if (is_zero(c)) { if (status != 3) fail("muldiv by zero", a, b); }
  else {
    ref_div(q, p, c);
    expected = high_zero(q) ? 0 : 1;
    if (status != expected || (!expected && memcmp(got.d, q, 32))) fail("muldiv", a, c);
  }

  for (int decimals = 0; decimals <= 77; decimals += 11) {
    char text[200];
    uint8_t back[32];
    size_t n = halo_u256_format(ba, decimals, text);
    if (n == 0 || n > 160) { fail("format length", a, b); continue; }
    if (halo_u256_parse(text, n, decimals, back) != 0 || memcmp(back, ba, 32)) fail("format/parse", a, b);
  }
}

static void check_texts(void) {
  static const struct { const char *text; int decimals, status; const char *formatted; } cases[] = {
    { "1000", 18, 0, "1000" }, { "0.98", 18, 0, "0.98" }, { "1.50", 18, 0, "1.5" }, { "007", 18, 0, "7" },
    { "1.", 18, 4, NULL }, { ".5", 18, 4, NULL }, { "+1", 18, 4, NULL }, { "1e3", 18, 4, NULL },
    { " 1", 18, 4, NULL }, { "", 18, 4, NULL }, { "0.1234", 2, 5, NULL }, { "1.00", 1, 5, NULL },
    { "1", 78, 4, NULL }, { "0.000000000000000001", 18, 0, "0.000000000000000001" },
    { "115792089237316195423570985008687907853269984665640564039457.584007913129639935", 18, 0,
      "115792089237316195423570985008687907853269984665640564039457.584007913129639935" },
    { "115792089237316195423570985008687907853269984665640564039457.584007913129639936", 18, 1, NULL },
    { "1", 77, 0, "1" }, { "2", 77, 1, NULL },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint8_t units[32];
    char text[200];
    int status = halo_u256_parse(cases[i].text, strlen(cases[i].text), cases[i].decimals, units);
    if (status != cases[i].status) {
      fprintf(stderr, "MISMATCH parse '%s' (%d): status %d, want %d\n", cases[i].text, cases[i].decimals, status,
              cases[i].status);
      failures++;
      continue;
    }
    if (cases[i].formatted != NULL) {
      size_t n = halo_u256_format(units, cases[i].decimals, text);
      if (n != strlen(cases[i].formatted) || memcmp(text, cases[i].formatted, n)) {
        fprintf(stderr, "MISMATCH format '%s': '%.*s'\n", cases[i].text, (int)n, text);
        failures++;
      }
    }
  }
}

/* ---- the Lua side ---- */

static int fallback_callback(void *context, halo_state *st, int32_t id) {
  static const char marker[] = "swift fallback";
  (void)context; (void)id;
  halo_host_set_error(st, marker, sizeof marker - 1, HALO_ERR_POLICY);
  return 1;
}

static const char *lua_tests =
  "local host = require 'halo.host'\n"
  "local A = host.amount\n"
  "local function eq(got, want, name)\n"
  "  if tostring(got) ~= want then error(name .. ': got ' .. tostring(got) .. ', want ' .. want, 0) end\n"
  "end\n"
  "local function raises(f, text, name)\n"
  "  local ok, e = pcall(f)\n"
  "  if ok or not string.find(tostring(e), text, 1, true) then error(name .. ': ' .. tostring(e), 0) end\n"
  "end\n"
  "local max = '115792089237316195423570985008687907853269984665640564039457.584007913129639935'\n"
  "return { run = function()\n"
  "  eq(A('1000.5') * 2, '2001', 'amount * integer')\n"
  "  eq(3 * A('0.5'), '1.5', 'integer * amount')\n"
  "  eq(A('1000.5') / A('2'), '500.25', 'amount / amount')\n"
  "  eq(A('1000.5'):min(A(10)), '10', 'min')\n"
  "  eq(A('1000.5'):max('10'), '1000.5', 'max with a string')\n"
  "  eq(A(1) / 3, '0.333333333333333333', 'amount / integer')\n"
  "  eq(A('0.1') + A('0.2'), '0.3', 'add')\n"
  "  eq(A('0.1') + '0.2', '0.3', 'add a string')\n"
  "  eq(A('0.1') + 2, '2.1', 'add an integer')\n"
  "  eq(A(5) - A('0.5'), '4.5', 'sub')\n"
  "  eq(A('1000') * A('0.98'), '980', 'amount * amount')\n"
  "  eq(A(2):mul_div(A(3), A(4)), '1.5', 'mul_div')\n"
  "  eq(A(2):mul_div(3, '4'), '1.5', 'mul_div with an integer and a string')\n"
  "  eq(A('1.7'):floor(), '1', 'floor')\n"
  "  eq(A('1.5'):units(), '1500000000000000000', 'units')\n"
  "  eq(A(0):is_zero(), 'true', 'is_zero')\n"
  "  eq(A('1') == A('1.0'), 'true', '==')\n"
  "  eq(A(1) < A(2), 'true', '<')\n"
  "  eq(A(2) <= A(2), 'true', '<=')\n"
  "  eq(A(3) < 2, 'false', '< an integer')\n"
  "  eq('x' .. A('1.50'), 'x1.5', 'concat')\n"
  "  eq(A(3) .. 4, '34', 'concat an integer')\n"
  "  eq(A(A(7)), '7', 'amount of an amount')\n"
  "  eq(host.is_amount(A(1)), 'true', 'is_amount')\n"
  "  eq(host.is_amount(1), 'false', 'is_amount of a number')\n"
  "  eq(A(max), max, 'the largest amount')\n"
  "  raises(function() return A(1) - A(2) end, 'amount underflow: 1 - 2 is below zero', 'underflow')\n"
  "  raises(function() return A(1) / A(0) end, 'amount /: division by zero', 'division by zero')\n"
  "  raises(function() return A(1) / 0 end, 'amount /: division by zero', 'division by integer zero')\n"
  "  raises(function() return A(1) / -1 end, 'amount /: negative divisor -1', 'negative divisor')\n"
  "  raises(function() return A(1) * -1 end, 'amount *: negative factor -1', 'negative factor')\n"
  "  raises(function() return A(1) + -1 end, 'amount +: amounts are never negative (-1)', 'negative operand')\n"
  "  raises(function() return A(max) + A('0.000000000000000001') end, 'amount +: amount arithmetic overflowed 256 bits', 'overflow +')\n"
  "  raises(function() return A(max) * 2 end, 'amount *: amount arithmetic overflowed 256 bits', 'overflow * integer')\n"
  "  raises(function() return A(max) * A(2) end, 'amount *: amount arithmetic overflowed 256 bits', 'overflow *')\n"
  "  raises(function() return A(max) / A('0.5') end, 'amount /: amount arithmetic overflowed 256 bits', 'overflow /')\n"
  "  raises(function() return A(1):mul_div(1, 0) end, 'mul_div: division by zero', 'mul_div by zero')\n"
  "  raises(function() return A(1) * 0.5 end, 'swift fallback', 'a float goes to Swift')\n"
  "  raises(function() return A('x') end, 'swift fallback', 'bad text goes to Swift')\n"
  "  raises(function() return A(1) + {} end, 'swift fallback', 'a table goes to Swift')\n"
  "  local sum = A(0)\n"
  "  for i = 1, 2000 do sum = sum + A(i) * A('0.001') end\n"
  "  eq(sum, '2001', 'a loop')\n"
  "  return 'ok'\n"
  "end }\n";

static int run_lua(void) {
  static const char *const names[] = { "__add", "__sub", "__mul", "__div", "__eq", "__lt", "__le", "__tostring",
                                       "__concat", "is_zero", "min", "max", "mul_div", "floor", "units" };
  static const uint8_t meta[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0 };
  static const char *const module_names[] = { "amount", "is_amount" };
  int32_t ids[15], module_ids[2] = { 15, 16 }, type_id, reference, environment, count;
  size_t length;
  halo_state *st = halo_open(fallback_callback, NULL, 42);
  int ok = 0;
  if (st == NULL) { fprintf(stderr, "cannot open a sandbox\n"); return 0; }
  for (int i = 0; i < 15; i++) ids[i] = i;
  halo_set_limits(st, 100000000, 64 << 20, 60000);
  if (halo_register_type(st, "halo.amount", 33, names, ids, meta, 15, &type_id) != HALO_OK ||
      halo_register_module(st, "halo.host", module_names, module_ids, 2) != HALO_OK ||
      halo_amount_install(st, type_id, "halo.host") != HALO_OK) {
    fprintf(stderr, "set-up failed: %s\n", halo_error_message(st));
  } else if (halo_load(st, lua_tests, strlen(lua_tests), "amount_tests.lua", &reference, &environment) != HALO_OK) {
    fprintf(stderr, "load failed: %s\n", halo_error_message(st));
  } else if (halo_invoke(st, reference, environment, "run", NULL, 0, &count) != HALO_OK) {
    fprintf(stderr, "FAIL %s\n", halo_error_message(st));
  } else {
    const uint8_t *out = halo_output(st, &length);
    ok = count == 1 && length == 7 && out[0] == HALO_TAG_STR && memcmp(out + 5, "ok", 2) == 0;
    if (!ok) fprintf(stderr, "FAIL: unexpected result\n");
  }
  halo_close(st);
  return ok;
}

int marshal_checks(void);
int slab_checks(void);

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 20000;
  for (int e1 = 0; e1 < 8; e1++)
    for (int e2 = 0; e2 < 8; e2++)
      for (int e3 = 1; e3 < 8; e3++) {
        ref256 a = edge(e1), b = edge(e2), c = edge(e3);
        check_ops(&a, &b, &c);
      }
  for (int i = 0; i < rounds; i++) {
    ref256 a = random_value(), b = random_value(), c = random_value();
    check_ops(&a, &b, &c);
  }
  check_texts();
  int lua_ok = run_lua();
  printf("amount sanitize: %d random rounds + edges, %d mismatches; Lua amount tests %s\n", rounds, failures,
         lua_ok ? "passed" : "FAILED");
  int marshal_failures = marshal_checks();  /* marshal_sanitize.c: the lazy ctx */
  int slab_failures = slab_checks();  /* slab_sanitize.c: the allocator's small-block lists */
  return failures == 0 && lua_ok && marshal_failures == 0 && slab_failures == 0 ? 0 : 1;
}

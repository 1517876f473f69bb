/*
** lua_shim.h: the C side of the halo Lua sandbox.
**
** Everything that may raise a Lua error (longjmp) lives behind these functions, so
** no Lua error ever unwinds through a Swift frame. Swift only calls the functions
** below; each one either runs under lua_pcall or performs non-raising reads.
**
** Values cross the boundary as a compact byte buffer (see HALO_TAG_*): Swift encodes,
** C decodes and pushes under lua_pcall; C serialises Lua values into its output
** buffer with non-raising reads, Swift decodes.
*/
#ifndef HALO_LUA_SHIM_H
#define HALO_LUA_SHIM_H

#include <stddef.h>
#include <stdint.h>

/* Value buffer tags. A table is TABLE u32 narr u32 nrec u8 flags u32 size, then key/value
** pairs, then END: narr and nrec are size hints, flags HALO_TABLE_*, size the bytes from the
** first pair through END (so a reader can step over a table without walking it). Integers and
** doubles are 8 native bytes; strings and userdata payloads are u32 length then bytes;
** userdata is preceded by its u32 type id; a reference is a u32 slot. */
enum {
  HALO_TAG_NIL = 0, HALO_TAG_FALSE = 1, HALO_TAG_TRUE = 2, HALO_TAG_INT = 3,
  HALO_TAG_NUM = 4, HALO_TAG_STR = 5, HALO_TAG_TABLE = 6, HALO_TAG_END = 7,
  HALO_TAG_UDATA = 8, HALO_TAG_REF = 9, HALO_TAG_OPAQUE = 10, HALO_TAG_TRUNC = 11
};

enum {
  HALO_TABLE_FROZEN = 1,   /* read-only in Lua */
  HALO_TABLE_HAS_REF = 2,  /* a HALO_TAG_REF somewhere inside (only in what Swift encodes) */
  HALO_TABLE_HEADER = 14   /* tag, narr, nrec, flags, size */
};

/* Outcome of every entry point; the Swift side maps these to SandboxErrorCode. */
enum {
  HALO_OK = 0, HALO_ERR_TIMEOUT = 1, HALO_ERR_MEMORY = 2, HALO_ERR_FORBIDDEN = 3,
  HALO_ERR_POLICY = 4
};

typedef struct halo_state halo_state;

/* Host callback: runs the Swift host function `function_id`; returns 0 after
** halo_host_set_results, or 1 after halo_host_set_error. Must not raise. */
typedef int (*halo_host_callback)(void *context, halo_state *st, int32_t function_id);

/* Creation and configuration. halo_open returns NULL if Lua cannot start. */
halo_state *halo_open(halo_host_callback callback, void *context, uint64_t seed);
void halo_close(halo_state *st);
void halo_set_limits(halo_state *st, int64_t instructions, int64_t memory_bytes,
                     int64_t wall_ms);
void halo_add_module_root(halo_state *st, const char *path);
void halo_set_clock(halo_state *st, int64_t seconds);
int64_t halo_clock(const halo_state *st);
void halo_statistics(const halo_state *st, int64_t *instructions, int64_t *peak_bytes);
/* Read-only tables of the arguments decoded (first read) during the last load or call. */
int64_t halo_decoded_tables(const halo_state *st);
int64_t halo_memory_in_use(const halo_state *st);

/* Last error (valid after a non-OK status until the next entry). */
const char *halo_error_message(const halo_state *st);
const char *halo_error_chunk(const halo_state *st);   /* "" when unknown */
int halo_error_line(const halo_state *st);            /* 0 when unknown */

/* Output buffer: serialised values from halo_invoke, halo_value, halo_host_argument. */
const uint8_t *halo_output(const halo_state *st, size_t *length);

/* Policies and values. References are registry refs (LUA_REFNIL for nil). */
int halo_load(halo_state *st, const char *source, size_t length, const char *chunk_name,
              int32_t *reference, int32_t *environment);
int halo_invoke(halo_state *st, int32_t reference, int32_t environment, const char *function,
                const uint8_t *arguments, size_t length, int32_t *result_count);

/* The reference id that stands, inside the arguments of halo_invoke_with_state, for the
** call's own state table (not a registry slot). */
#define HALO_REF_CALL_STATE (-1000)

/* halo_invoke whose buffer starts with a plain table, the call's state: it is pushed writable
** and every HALO_REF_CALL_STATE among the arguments reads as it. The output holds the state
** after the call (its first *state_length bytes), then the *result_count results. */
int halo_invoke_with_state(halo_state *st, int32_t reference, int32_t environment,
                           const char *function, const uint8_t *buffer, size_t length,
                           int32_t *result_count, size_t *state_length);

/* 1 while a host function runs (the sandbox cannot be entered then). */
int halo_in_host_function(const halo_state *st);
int halo_make_reference(halo_state *st, const uint8_t *value, size_t length,
                        int32_t *reference);
void halo_value(halo_state *st, int32_t reference);
int halo_has_function(halo_state *st, int32_t reference, const char *name);
void halo_release(halo_state *st, int32_t reference);

/* Host registrations. `names`/`ids` are parallel arrays; `is_metamethod` selects
** the metatable (1) or the methods table (0). Returns a status; the type id is
** written to *type_id. */
int halo_register_type(halo_state *st, const char *name, int32_t payload_size,
                       const char *const *names, const int32_t *ids,
                       const uint8_t *is_metamethod, int32_t count, int32_t *type_id);
int halo_register_module(halo_state *st, const char *name, const char *const *names,
                         const int32_t *ids, int32_t count);

/* Inside a host callback: read arguments (never raise), set results or an error. */
int32_t halo_host_argument_count(halo_state *st);
int halo_host_argument_type(halo_state *st, int32_t index);    /* LUA_T* */
void halo_host_argument(halo_state *st, int32_t index);        /* into the output buffer */
const void *halo_host_userdata(halo_state *st, int32_t index, int32_t type_id,
                               size_t *length);
const char *halo_host_string(halo_state *st, int32_t index, size_t *length);
int halo_host_integer(halo_state *st, int32_t index, int64_t *value);
int halo_host_number(halo_state *st, int32_t index, double *value);
void halo_host_set_results(halo_state *st, const uint8_t *results, size_t length);
void halo_host_set_error(halo_state *st, const char *message, size_t length, int code);

/* halo.amount in C (amount.c). After registering the 33-byte amount type (type_id) and the
** host module `module` with the Swift functions, replaces them by C closures that fall back to
** the Swift function for what C does not decide itself (floats, other types, bad text). */
int halo_amount_install(halo_state *st, int32_t type_id, const char *module);

/* The 256-bit arithmetic behind it, on 32-byte little-endian values, for tests.
** halo_u256_op returns 0, 1 overflow, 2 underflow, 3 division by zero (CMP: -1, 0, 1);
** halo_u256_parse also 4 invalid text, 5 too many decimals; halo_u256_format writes at most
** 160 bytes and returns the length. */
enum { HALO_U256_ADD = 0, HALO_U256_SUB = 1, HALO_U256_MUL = 2, HALO_U256_DIV = 3,
       HALO_U256_MULDIV = 4, HALO_U256_CMP = 5 };
int halo_u256_op(int op, const uint8_t *a, const uint8_t *b, const uint8_t *c, uint8_t *out);
int halo_u256_parse(const char *text, size_t length, int decimals, uint8_t *out);
size_t halo_u256_format(const uint8_t *units, int decimals, char *out);

/* Captured print output: records of u32 length + bytes. */
const uint8_t *halo_log(const halo_state *st, size_t *length);
void halo_log_clear(halo_state *st);

/* Line coverage (coverage.c). The caller owns `record` and keeps it alive as long as
** the state; files are chunk names without the leading '@', lines a bitmap. */
#define HALO_COVERAGE_FILES 64
#define HALO_COVERAGE_LINES 16384
typedef struct halo_coverage_file {
  char name[512];
  uint8_t lines[HALO_COVERAGE_LINES / 8];
} halo_coverage_file;
typedef struct halo_coverage {
  int32_t nfiles;
  halo_coverage_file files[HALO_COVERAGE_FILES];
} halo_coverage;
void halo_coverage_start(halo_state *st, halo_coverage *record);
/* The i-th file's record (0 <= i < record->nfiles). */
const halo_coverage_file *halo_coverage_entry(const halo_coverage *record, int32_t i);

/* The Lua release this shim was built against ("Lua 5.4.6") and the running core's version (504). */
const char *halo_lua_release(void);
double halo_lua_version_number(void);

#endif

/*
** coverage.c: line coverage for `halo test --coverage`, and the Lua version.
**
** Coverage adds LUA_MASKLINE to the budget hook's mask; halo_hook hands line events
** here and returns before charging anything, so the instruction budget counts exactly
** what it counts without coverage (count events are independent of line events in
** Lua's hook dispatch). The record lives in a caller-owned halo_coverage (C heap,
** outside the Lua allocator), so coverage never changes a policy's memory budget.
*/
#include <string.h>
#include "shim.h"

static const char HALO_COVERAGE = 0;  /* registry: light userdata -> halo_coverage */

void halo_coverage_start(halo_state *st, halo_coverage *record) {
  memset(record, 0, sizeof *record);
  lua_pushlightuserdata(st->L, record);
  lua_rawsetp(st->L, LUA_REGISTRYINDEX, &HALO_COVERAGE);
  lua_sethook(st->L, halo_hook, LUA_MASKCOUNT | LUA_MASKLINE, HALO_MAIN_STEP);
}

/* Records that the line in `ar` ran. Never raises, never allocates from Lua. */
void halo_coverage_line(lua_State *L, lua_Debug *ar) {
  halo_coverage *record;
  int i;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &HALO_COVERAGE) != LUA_TLIGHTUSERDATA) { lua_pop(L, 1); return; }
  record = (halo_coverage *)lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (ar->currentline <= 0 || ar->currentline >= HALO_COVERAGE_LINES) return;
  if (!lua_getinfo(L, "S", ar) || ar->source == NULL || (ar->source[0] != '@' && ar->source[0] != '=')) return;
  for (i = 0; i < record->nfiles; i++)
    if (strcmp(record->files[i].name, ar->source + 1) == 0) break;
  if (i == record->nfiles) {
    if (record->nfiles == HALO_COVERAGE_FILES || strlen(ar->source + 1) >= sizeof record->files[0].name) return;
    strcpy(record->files[i].name, ar->source + 1);
    record->nfiles++;
  }
  record->files[i].lines[ar->currentline >> 3] |= (uint8_t)(1u << (ar->currentline & 7));
}

const halo_coverage_file *halo_coverage_entry(const halo_coverage *record, int32_t i) {
  return &record->files[i];
}

const char *halo_lua_release(void) { return LUA_RELEASE; }

double halo_lua_version_number(void) { return (double)lua_version(NULL); }

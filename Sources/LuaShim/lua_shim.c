#include "lua_shim.h"
int halo_shim_version(void) { return LUA_VERSION_NUM; }

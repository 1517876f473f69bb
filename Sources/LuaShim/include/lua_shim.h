#ifndef HALO_LUA_SHIM_H
#define HALO_LUA_SHIM_H
#include <lua.h>
int halo_shim_version(void);
#endif

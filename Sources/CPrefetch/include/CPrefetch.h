// CPrefetch: a cache prefetch hint for Swift, which has no intrinsic for it.
//
// HaloCore's position store (PositionStore.swift) asks for the cache lines of an account's
// slot at the start of an LCTS operation, so that their memory reads overlap the operation's
// other work instead of stalling it. Header-only: the call inlines into the Swift caller.
#ifndef HALO_CPREFETCH_H
#define HALO_CPREFETCH_H

/// Hints that the cache line holding `address` will be read soon (kept in all cache levels).
/// Only a hint: no fault for any address, no effect on the program's results.
static inline __attribute__((always_inline)) void halo_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif

// A C model of the LCTS position store's lookup at 1e6 positions, and of the layouts tried
// instead of it (docs/performance.md, "LCTS at 1e6, what limits it now"). It measures memory,
// not the queue. Each lookup's key is made to wait for the previous lookup's result (an empty
// asm statement), to come close to `halo bench`, where an operation's work is far longer than
// the CPU's reorder window. The CPU still overlaps some of the work of consecutive lookups
// (reading only the record measures below a pointer chase), so compare layouts, not
// absolute figures.
//
//   cc -O2 -o /tmp/lookup_model lookup_model.c && /tmp/lookup_model
//
// Prints first the cost of a random read over 1-64 MiB (a pointer chase, huge pages advised),
// then each layout's median over 7 alternating rounds of 400,000 lookups, in ns per lookup.
// Tables are 2 MiB-aligned and advised for transparent huge pages, as HugePages does.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

enum { POSITIONS = 1000000, SLOTS = 1347984, ROUNDS = 7, LOOKUPS = 400000, LAYOUTS = 6 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *table(size_t bytes, int huge) {
    char *m = mmap(0, bytes + (4 << 20), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) { perror("mmap"); exit(1); }
    m = (char *)(((uintptr_t)m + (2 << 20) - 1) & ~(uintptr_t)((2 << 20) - 1));
    madvise(m, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
    memset(m, 0, bytes);
    return m;
}

static uint64_t mix(uint64_t z) {  // SplitMix64's finalizer
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void pointer_chase(size_t mib, int huge) {
    size_t bytes = mib << 20, lines = bytes / 64;
    char *m = table(bytes, huge);
    size_t *order = malloc(lines * sizeof *order);
    for (size_t i = 0; i < lines; i++) order[i] = i;
    uint64_t s = 42;
    for (size_t i = lines - 1; i > 0; i--) {
        s = mix(s + i);
        size_t j = s % (i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < lines; i++) *(char **)(m + order[i] * 64) = m + order[(i + 1) % lines] * 64;
    char *p = m;
    size_t steps = 2000000;
    double t0 = now();
    for (size_t i = 0; i < steps; i++) p = *(char **)p;
    printf("random read over %2zu MiB (%s pages): %6.1f ns%s\n", mib, huge ? "huge" : "4 KiB",
           (now() - t0) / steps * 1e9, p == 0 ? "!" : "");
    free(order);
}

typedef struct { uint64_t key, key2, shares0, debt0, shares1, debt1; } Record48;                 // as PositionStore.Record
typedef struct { uint64_t key, key2, shares0, debt0, shares1, debt1; uint32_t tag, pad[3]; } Record64;
typedef struct { uint32_t tags[4]; Record48 records[4]; } Bucket;                                // 208 bytes

static const char *names[LAYOUTS] = {
    "4-byte tags, then 48-byte records (the store)",
    "the same, home record prefetched first",
    "64-byte slots, tag inside",
    "the record only (one read, not a table)",
    "a tag and a record read independently",
    "4-slot buckets, all lines read at once",
};

int main(void) {
    for (size_t mib = 1; mib <= 64; mib *= 2) pointer_chase(mib, 1);
    pointer_chase(64, 0);

    uint32_t *tags = table((size_t)SLOTS * 4, 1);
    Record48 *records = table((size_t)SLOTS * sizeof(Record48), 1);
    Record64 *wide = table((size_t)SLOTS * sizeof(Record64), 1);
    size_t buckets = SLOTS / 4;
    Bucket *bucket = table(buckets * sizeof(Bucket), 1);
    for (uint64_t key = 1; key <= POSITIONS; key++) {
        uint32_t tag = (uint32_t)(mix(key) >> 32) | 1;
        size_t s = ((uint64_t)tag * SLOTS) >> 32;
        while (tags[s]) s = s + 1 == SLOTS ? 0 : s + 1;
        tags[s] = tag, records[s].key = key, records[s].shares0 = key;
        s = ((uint64_t)tag * SLOTS) >> 32;
        while (wide[s].tag) s = s + 1 == SLOTS ? 0 : s + 1;
        wide[s].tag = tag, wide[s].key = key, wide[s].shares0 = key;
        for (size_t b = ((uint64_t)tag * buckets) >> 32;; b = b + 1 == buckets ? 0 : b + 1) {
            int j = 0;
            while (j < 4 && bucket[b].tags[j]) j++;
            if (j < 4) { bucket[b].tags[j] = tag, bucket[b].records[j].key = key, bucket[b].records[j].shares0 = key; break; }
        }
    }

    double ns[LAYOUTS][ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
        for (int layout = 0; layout < LAYOUTS; layout++) {
            uint64_t result = 0, state = 7 + round * 1000003ULL;
            double t0 = now();
            for (size_t n = 0; n < LOOKUPS; n++) {
                __asm__ volatile("" : "+r"(state) : "r"(result));  // the next key waits for this result
                state += 0x9E3779B97F4A7C15ULL;
                uint64_t key = mix(state) % POSITIONS + 1, value = 0;
                uint32_t tag = (uint32_t)(mix(key) >> 32) | 1;
                size_t s = ((uint64_t)tag * SLOTS) >> 32;
                switch (layout) {
                case 1:
                    __builtin_prefetch(&records[s]);
                    __builtin_prefetch((char *)&records[s] + 48);
                    __builtin_prefetch((char *)&records[s] + 95);
                    /* fall through */
                case 0:
                    for (;; s = s + 1 == SLOTS ? 0 : s + 1) {
                        if (!tags[s]) break;
                        if (tags[s] == tag && records[s].key == key) { value = records[s].shares0 + records[s].debt1; break; }
                    }
                    break;
                case 2:
                    for (;; s = s + 1 == SLOTS ? 0 : s + 1) {
                        if (!wide[s].tag) break;
                        if (wide[s].tag == tag && wide[s].key == key) { value = wide[s].shares0 + wide[s].debt1; break; }
                    }
                    break;
                case 3: value = records[s].shares0; break;
                case 4: value = tags[s] + records[s].shares0; break;
                case 5:
                    for (size_t b = ((uint64_t)tag * buckets) >> 32;; b = b + 1 == buckets ? 0 : b + 1) {
                        Bucket *B = &bucket[b];
                        uint64_t k0 = B->records[0].key, k1 = B->records[1].key, k2 = B->records[2].key, k3 = B->records[3].key;
                        int hit = B->tags[0] == tag && k0 == key ? 0 : B->tags[1] == tag && k1 == key ? 1
                                : B->tags[2] == tag && k2 == key ? 2 : B->tags[3] == tag && k3 == key ? 3 : -1;
                        if (hit >= 0) { value = B->records[hit].shares0 + B->records[hit].debt1; break; }
                        if (!B->tags[0] || !B->tags[1] || !B->tags[2] || !B->tags[3]) break;
                    }
                    break;
                }
                result += value;
            }
            ns[layout][round] = (now() - t0) / LOOKUPS * 1e9;
            if (result == 42) puts("");
        }
    }
    for (int layout = 0; layout < LAYOUTS; layout++) {
        double *r = ns[layout];
        for (int i = 0; i < ROUNDS; i++)
            for (int j = i + 1; j < ROUNDS; j++)
                if (r[j] < r[i]) { double t = r[i]; r[i] = r[j]; r[j] = t; }
        printf("%-48s median %6.1f ns (%.1f-%.1f)\n", names[layout], r[ROUNDS / 2], r[0], r[ROUNDS - 1]);
    }
    return 0;
}

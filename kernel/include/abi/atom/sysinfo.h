/* System information and power (<atom/sysinfo.h>): what ATOM_SYS_LOG_READ,
 * ATOM_SYS_MEM_STATS and ATOM_SYS_POWER take and give.  Shared by the
 * kernel and the C library (installed into the sysroot); docs/abi.md has
 * the calls and their errors.
 *
 * Reading the log and the memory totals needs no capability: they are
 * read-only, describe the whole machine rather than any object, and what
 * they say (boot messages, program output on the console, page counts)
 * is already on every console.  Power needs a capability to the power
 * object (ATOM_OBJ_POWER), which the boot manifest's `power` line gives
 * init. */
#ifndef ATOM_SYSINFO_H
#define ATOM_SYSINFO_H

#include <stdint.h>

/* ATOM_SYS_LOG_READ (buf, len, pos): copies up to len bytes of the kernel
 * log, starting at byte position *pos, into buf; returns the count (0 at
 * the end).  Positions count every byte the log has ever held, from 0 at
 * boot, so a reader continues at *pos + count.  The kernel keeps the
 * newest ATOM_LOG_SIZE bytes, dropping whole lines from the front; when
 * *pos names bytes already dropped, reading starts at the oldest line
 * kept and *pos is set to its position (later than asked). */
#define ATOM_LOG_SIZE     (64 * 1024)
#define ATOM_LOG_READ_MAX ATOM_LOG_SIZE   /* larger reads are cut to this */

/* ATOM_SYS_MEM_STATS (out): the page allocator's totals.  Sizes in bytes,
 * multiples of page_size.  free_bytes + the rest of total_bytes is what
 * is in use: by the kernel heap, by memory objects (user memory, program
 * images, shared buffers), by page tables, kernel stacks and the like. */
struct atom_mem_stats {
    uint64_t page_size;
    uint64_t usable_bytes;    /* usable RAM in the firmware's memory map */
    uint64_t total_bytes;     /* of which the page allocator manages */
    uint64_t free_bytes;      /* of which is free now */
    uint64_t heap_bytes;      /* held by the kernel heap */
    uint64_t memobj_bytes;    /* held by anonymous memory objects */
};

_Static_assert(sizeof(struct atom_mem_stats) == 48, "atom_mem_stats layout");
_Static_assert(__builtin_offsetof(struct atom_mem_stats, page_size) == 0, "page_size");
_Static_assert(__builtin_offsetof(struct atom_mem_stats, usable_bytes) == 8, "usable_bytes");
_Static_assert(__builtin_offsetof(struct atom_mem_stats, total_bytes) == 16, "total_bytes");
_Static_assert(__builtin_offsetof(struct atom_mem_stats, free_bytes) == 24, "free_bytes");
_Static_assert(__builtin_offsetof(struct atom_mem_stats, heap_bytes) == 32, "heap_bytes");
_Static_assert(__builtin_offsetof(struct atom_mem_stats, memobj_bytes) == 40, "memobj_bytes");

/* ATOM_SYS_POWER (power cap, op): needs WRITE on the power object. */
#define ATOM_POWER_OFF    1u  /* switch off: returns ATOM_ENOTSUP if it cannot */
#define ATOM_POWER_REBOOT 2u  /* restart: does not return */

#endif

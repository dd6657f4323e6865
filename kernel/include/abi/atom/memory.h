/* Atom memory objects and mappings as user space sees them (installed as
 * <atom/memory.h>); docs/abi.md, "Memory", has the rules. */
#ifndef ATOM_MEMORY_H
#define ATOM_MEMORY_H

#include <stdint.h>

#define ATOM_PAGE_SIZE 4096ull

/* Mapping permissions (ATOM_SYS_MEM_MAP, ATOM_SYS_MEM_PROTECT).  Never
 * both WRITE and EXEC. */
#define ATOM_PROT_READ  1u
#define ATOM_PROT_WRITE 2u
#define ATOM_PROT_EXEC  4u

/* Largest memory object, and most pages one map, unmap or protect call
 * may touch: bounds the work of a single system call. */
#define ATOM_MEM_MAX_PAGES 4096ull

/* User addresses: mappings must lie in [ATOM_USER_MIN, ATOM_USER_MAX). */
#define ATOM_USER_MIN 0x0000000000001000ull
#define ATOM_USER_MAX 0x00007ffffffff000ull

/* What ATOM_SYS_PROCESS_CREATE fills in. */
struct atom_process_handles {
    int32_t process;        /* the new process (all rights) */
    int32_t address_space;  /* its address space (all rights) */
    int32_t pid;            /* its process ID, as ATOM_SYS_GETPID returns */
    int32_t reserved;       /* 0 */
};

_Static_assert(sizeof(struct atom_process_handles) == 16, "atom_process_handles layout");
_Static_assert(__builtin_offsetof(struct atom_process_handles, pid) == 8, "atom_process_handles.pid");

#endif

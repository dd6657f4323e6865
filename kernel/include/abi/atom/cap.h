/* Atom capabilities as user space sees them: object types, rights, handles
 * and the description returned by inspecting a capability.  Shared by the
 * kernel and the C library (installed into the sysroot as <atom/cap.h>);
 * plain C for both a freestanding and a hosted compiler.
 *
 * A handle is a small non-negative integer naming a slot in the calling
 * process's own capability table; it means nothing in another process.
 * The rules (rights, duplicate, transfer, delete, revoke) are in
 * docs/abi.md, "Capabilities". */
#ifndef ATOM_CAP_H
#define ATOM_CAP_H

#include <stdint.h>

/* Kernel object types. */
#define ATOM_OBJ_NONE          0  /* no object; as a lookup filter: any type */
#define ATOM_OBJ_PROCESS       1
#define ATOM_OBJ_THREAD        2
#define ATOM_OBJ_ADDRESS_SPACE 3
#define ATOM_OBJ_MEMORY        4  /* a memory object (physical pages) */
#define ATOM_OBJ_ENDPOINT      5  /* synchronous IPC endpoint */
#define ATOM_OBJ_REPLY         6  /* one-shot reply to an IPC call */
#define ATOM_OBJ_NOTIFICATION  7  /* asynchronous notification word */
#define ATOM_OBJ_IRQ           8  /* a device interrupt line */
#define ATOM_OBJ_IOPORT        9  /* a range of x86 I/O ports */
#define ATOM_OBJ_POWER        10  /* the right to reboot or switch off */
#define ATOM_OBJ_COUNT        11  /* one past the last type */

/* Rights.  What each means for a given object type is defined with that
 * object's invocations; the last three govern the capability itself. */
#define ATOM_RIGHT_READ      (1u << 0)  /* read / receive / observe */
#define ATOM_RIGHT_WRITE     (1u << 1)  /* write / send / modify */
#define ATOM_RIGHT_MAP       (1u << 2)  /* map into an address space, execute */
#define ATOM_RIGHT_GRANT     (1u << 3)  /* transfer the capability in a message */
#define ATOM_RIGHT_DUPLICATE (1u << 4)  /* make a derived copy */
#define ATOM_RIGHT_REVOKE    (1u << 5)  /* remove everything derived from it */
#define ATOM_RIGHTS_ALL      0x3fu

/* A handle: index of a slot in the caller's capability table. */
typedef int32_t atom_handle_t;
#define ATOM_HANDLE_INVALID ((atom_handle_t)-1)

/* What inspecting a capability returns.  badge 0 means unbadged. */
struct atom_cap_info {
    uint32_t type;    /* ATOM_OBJ_* */
    uint32_t rights;  /* ATOM_RIGHT_* */
    uint64_t badge;
    uint64_t size;    /* a memory object's size in pages; 0 for other types */
};

_Static_assert(sizeof(struct atom_cap_info) == 24, "atom_cap_info layout");
_Static_assert(__builtin_offsetof(struct atom_cap_info, type) == 0, "atom_cap_info.type");
_Static_assert(__builtin_offsetof(struct atom_cap_info, rights) == 4, "atom_cap_info.rights");
_Static_assert(__builtin_offsetof(struct atom_cap_info, badge) == 8, "atom_cap_info.badge");
_Static_assert(__builtin_offsetof(struct atom_cap_info, size) == 16, "atom_cap_info.size");

#endif

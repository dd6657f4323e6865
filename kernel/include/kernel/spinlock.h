/* Spinlocks.  A test-and-test-and-set lock on GCC's atomic builtins, so the
 * same code builds in the kernel and in the host unit tests.  Interrupt
 * masking around a lock is the caller's business until interrupts can
 * reach code that takes locks. */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>

typedef struct {
    volatile int locked;
} spinlock_t;

#define SPINLOCK_INIT { 0 }

static inline void spin_lock(spinlock_t *l)
{
    for (;;) {
        if (!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
            return;
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            __builtin_ia32_pause();
    }
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    return __atomic_load_n(&l->locked, __ATOMIC_RELAXED);
}

#endif

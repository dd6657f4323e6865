/* Spinlocks.  Taking a lock also disables interrupts on this CPU (and
 * releasing it restores them), so a lock holder is never interrupted or
 * preempted: no interrupt handler can spin on a lock its own CPU holds,
 * and the scheduler never switches away from a lock holder.  Host unit
 * tests (a hosted build) have no interrupts to mask. */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>

typedef struct {
    volatile int locked;
    unsigned long saved_flags;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

#if __STDC_HOSTED__
static inline unsigned long spin_irq_save(void) { return 0; }
static inline void spin_irq_restore(unsigned long flags) { (void)flags; }
static inline void spin_irq_disable(void) {}
static inline void spin_irq_enable(void) {}
#else
/* For code that knows interrupts are on (system calls enable them). */
static inline void spin_irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

static inline void spin_irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

static inline unsigned long spin_irq_save(void)
{
    unsigned long flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    return flags;
}

static inline void spin_irq_restore(unsigned long flags)
{
    if (flags & (1ul << 9))
        __asm__ volatile("sti" ::: "memory");
}
#endif

static inline void spin_lock(spinlock_t *l)
{
    unsigned long flags = spin_irq_save();
    for (;;) {
        if (!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
            break;
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            __builtin_ia32_pause();
    }
    l->saved_flags = flags;
}

static inline void spin_unlock(spinlock_t *l)
{
    unsigned long flags = l->saved_flags;
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    spin_irq_restore(flags);
}

/* The raw halves, for code that manages the interrupt flag itself (the
 * scheduler, whose lock is released by the next thread after a switch). */
static inline void spin_acquire(spinlock_t *l)
{
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            __builtin_ia32_pause();
}

/* One attempt: true if the lock was free and is now held. */
static inline bool spin_try_acquire(spinlock_t *l)
{
    return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_release(spinlock_t *l)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    return __atomic_load_n(&l->locked, __ATOMIC_RELAXED);
}

#endif

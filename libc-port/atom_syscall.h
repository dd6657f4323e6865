/* Raw Atom system calls for the C library and for programs that talk to
 * the kernel directly (installed as <atom/raw_syscall.h>): the `syscall`
 * instruction with the convention of <atom/syscall.h>.  Results are >= 0
 * or a negated ATOM_E* error, which the POSIX wrappers turn into errno. */
#ifndef LIBC_PORT_ATOM_SYSCALL_H
#define LIBC_PORT_ATOM_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

#include <atom/errors.h>
#include <atom/ipc.h>
#include <atom/syscall.h>

static inline long atom_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long atom_syscall3(long nr, long a0, long a1, long a2)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long atom_syscall1(long nr, long a0)
{
	return atom_syscall3(nr, a0, 0, 0);
}

static inline long atom_syscall0(long nr)
{
	return atom_syscall3(nr, 0, 0, 0);
}

/* A message in registers: info (<atom/ipc.h>), the sender's badge when
 * one is received, and words 0-3. */
struct atom_msg {
	uint64_t info;
	uint64_t badge;
	uint64_t w[ATOM_IPC_REG_WORDS];
};

/* The IPC calls (ATOM_SYS_IPC_*): sends m (for the calls that send) and,
 * for those that receive, replaces it with the message received.
 * Returns the received info (>= 0), 0, or -ATOM_E*. */
static inline long atom_ipc(long nr, long handle, struct atom_msg *m, uint64_t timeout)
{
	register uint64_t r10 __asm__("r10") = m->w[1];
	register uint64_t r8 __asm__("r8") = m->w[2];
	register uint64_t r9 __asm__("r9") = m->w[3];
	register uint64_t r12 __asm__("r12") = timeout;
	uint64_t rdi = (uint64_t)handle, rsi = m->info, rdx = m->w[0];
	long ret = nr;
	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
			 : "r"(r12)
			 : "rcx", "r11", "memory");
	if (ret >= 0 && nr != ATOM_SYS_IPC_SEND && nr != ATOM_SYS_IPC_REPLY) {
		m->badge = rdi;
		m->info = rsi;
		m->w[0] = rdx;
		m->w[1] = r10;
		m->w[2] = r8;
		m->w[3] = r9;
	}
	return ret;
}

static inline struct atom_ipc_buffer *atom_ipc_buffer(void)
{
	return (struct atom_ipc_buffer *)atom_syscall0(ATOM_SYS_IPC_BUFFER);
}

/* Data carried inline in a message, from word `first` on: words 0-3 are
 * m->w, the rest the IPC buffer's words at the same index. */
static inline void atom_msg_put_bytes(struct atom_msg *m, struct atom_ipc_buffer *ipc,
				      unsigned first, const void *data, size_t n)
{
	const char *src = (const char *)data;
	for (unsigned k = first; n > 0 && k < ATOM_IPC_MAX_WORDS; k++) {
		uint64_t w = 0;
		size_t chunk = n < 8 ? n : 8;
		__builtin_memcpy(&w, src, chunk);
		if (k < ATOM_IPC_REG_WORDS)
			m->w[k] = w;
		else
			ipc->words[k] = w;
		src += chunk;
		n -= chunk;
	}
}

static inline void atom_msg_get_bytes(const struct atom_msg *m, const struct atom_ipc_buffer *ipc,
				      unsigned first, void *out, size_t n)
{
	char *dst = (char *)out;
	for (unsigned k = first; n > 0 && k < ATOM_IPC_MAX_WORDS; k++) {
		uint64_t w = k < ATOM_IPC_REG_WORDS ? m->w[k] : ipc->words[k];
		size_t chunk = n < 8 ? n : 8;
		__builtin_memcpy(dst, &w, chunk);
		dst += chunk;
		n -= chunk;
	}
}

#endif

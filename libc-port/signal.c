/*
 * signal.c: sigaction() and sigprocmask() over newlib's signal table.
 *
 * newlib keeps one handler per signal and runs it from raise(), with
 * System V's semantics for signal() (the handler is reset to SIG_DFL when
 * it runs); these add the POSIX interface on top.  The blocked-signal mask is kept and
 * reported, and kill() of the program's own pid honours it (the signal
 * stays pending until unblocked); newlib's raise() runs handlers without
 * looking at it.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "libc_internal.h"

#define ATOM_WEAK __attribute__((weak))

static sigset_t blocked, pending;

/* newlib's raise() resets a handler to SIG_DFL before running it, as
 * System V's signal() did; a handler installed with sigaction() stays,
 * as POSIX says, by running through this trampoline, which installs
 * itself again first. */
static _sig_func_ptr handlers[NSIG];

static void trampoline(int sig)
{
	signal(sig, trampoline);
	if (sig > 0 && sig < NSIG && handlers[sig])
		handlers[sig](sig);
}

ATOM_WEAK int sigaction(int sig, const struct sigaction *restrict act,
			struct sigaction *restrict old)
{
	if (sig <= 0 || sig >= NSIG || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return atom_fail(EINVAL);
	_sig_func_ptr previous = signal(sig, SIG_DFL);  /* read it... */
	if (previous == SIG_ERR)
		return -1;
	signal(sig, previous);                          /* ...and put it back */
	if (previous == trampoline)
		previous = handlers[sig];
	if (act) {
		_sig_func_ptr h = act->sa_handler;
		if (h == SIG_DFL || h == SIG_IGN) {
			signal(sig, h);
		} else {
			handlers[sig] = h;
			signal(sig, trampoline);
		}
	}
	if (old) {
		memset(old, 0, sizeof(*old));
		old->sa_handler = previous;
	}
	return 0;
}

ATOM_WEAK int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old)
{
	if (old)
		*old = blocked;
	if (!set)
		return 0;
	switch (how) {
	case SIG_BLOCK: blocked |= *set; break;
	case SIG_UNBLOCK: blocked &= ~*set; break;
	case SIG_SETMASK: blocked = *set; break;
	default: return atom_fail(EINVAL);
	}
	blocked &= ~(sigset_t)((1u << SIGKILL) | (1u << SIGSTOP));
	/* Deliver what was held back and is now unblocked. */
	for (int sig = 1; sig < NSIG; sig++) {
		sigset_t bit = (sigset_t)1 << sig;
		if ((pending & bit) && !(blocked & bit)) {
			pending &= ~bit;
			raise(sig);
		}
	}
	return 0;
}

ATOM_WEAK int sigpending(sigset_t *set)
{
	if (!set)
		return atom_fail(EFAULT);
	*set = pending;
	return 0;
}

/* For kill() of our own pid: true if sig is blocked, and now pending. */
bool atom_signal_hold(int sig)
{
	sigset_t bit = (sigset_t)1 << sig;
	if (sig <= 0 || sig >= NSIG || sig == SIGKILL || !(blocked & bit))
		return false;
	pending |= bit;
	return true;
}

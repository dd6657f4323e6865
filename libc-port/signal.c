/*
 * signal.c: POSIX signals: dispositions, the blocked mask, delivery.
 *
 * The process server (init) decides what a signal sent to us does
 * (<atom/proc.h>): it ends us, drops the signal, or sets its bit in our
 * signal notification and interrupts the call we wait in.  So init must
 * know our dispositions: whenever the set of signals we catch or block,
 * or the set we ignore, changes, PROC_SIGNALS tells it.
 *
 * Handlers run synchronously, at the end of a library call (atom_fail(),
 * atom_result(), and the ends of read() and write()), never in the middle
 * of one; so a handler may call anything, malloc() and printf() included,
 * and nothing it does can disturb a call in progress.  A program that
 * only computes sees its handlers run at its next library call; a call
 * that waits (read or write on a pipe, waitpid(), nanosleep(), pause(),
 * sigsuspend()) is interrupted and fails with EINTR, or starts again if
 * every handler that ran had SA_RESTART (nanosleep and the pauses never
 * restart).
 *
 * newlib is built with SIGNAL_PROVIDED, so signal() is here (with BSD's
 * semantics: the handler stays) and its raise() is kill(getpid(), sig).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <atom/proc.h>
#include <atom/startup.h>

#include "libc_internal.h"

#define ATOM_WEAK __attribute__((weak))
#define BIT(sig) ((sigset_t)1 << (sig))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))
#define NS_PER_HOUR 3600000000000ull

_Static_assert(NSIG <= 32, "signals fit PROC_SIGNALS' and the notification's bits");

extern uint64_t *__atom_auxv;

static struct sigaction actions[NSIG];
static sigset_t blocked, pending;
static long notification = -1;      /* AT_ATOM_SIGNAL */
static bool started;
static uint64_t told_deliver, told_ignore; /* what init knows */

/* True when init may set bits in our notification: then every delivery
 * point polls it.  Programs that neither catch nor block pay nothing. */
bool atom_signals_live;

/* Dispositions and mask inherited from the parent, before first use. */
static void start(void)
{
	if (started)
		return;
	started = true;
	for (uint64_t *a = __atom_auxv; a && a[0] != 0; a += 2) {
		if (a[0] == AT_ATOM_SIGNAL)
			notification = (long)a[1];
		else if (a[0] == AT_ATOM_SIGIGN)
			told_ignore = a[1];
		else if (a[0] == AT_ATOM_SIGMASK)
			blocked = (sigset_t)a[1] & ~UNBLOCKABLE;
	}
	for (int sig = 1; sig < NSIG; sig++)
		if (told_ignore & BIT(sig))
			actions[sig].sa_handler = SIG_IGN;
	told_deliver = blocked & ~told_ignore;   /* as init set it up */
	atom_signals_live = notification >= 0 && told_deliver;
}

/* Tells init the sets, if they changed. */
static void tell_server(void)
{
	uint64_t deliver = 0, ignore = 0;
	for (int sig = 1; sig < NSIG; sig++) {
		_sig_func_ptr h = actions[sig].sa_handler;
		if (h == SIG_IGN)
			ignore |= BIT(sig);
		else if (h != SIG_DFL || (blocked & BIT(sig)))
			deliver |= BIT(sig);
	}
	if (deliver == told_deliver && ignore == told_ignore)
		return;
	if (atom_proc_call(PROC_SIGNALS, deliver, ignore, -1, NULL) < 0)
		return;  /* no process server: nobody sends us signals */
	told_deliver = deliver;
	told_ignore = ignore;
	atom_signals_live = notification >= 0 && deliver;
}

/* The default action of a signal that ends us: init ends us with it, so
 * our parent sees the signal in the wait status. */
static void act_by_default(int sig)
{
	if (PROC_SIGNALS_IGNORED_BY_DEFAULT & BIT(sig))
		return;
	tell_server();  /* not caught or blocked now: init will not hold it */
	atom_proc_call(PROC_KILL, (uint64_t)getpid(), (uint64_t)sig, -1, NULL);
	_exit(128 + sig);  /* no process server */
}

/* What running signals did. */
#define RAN_HANDLER  1    /* a handler ran */
#define RAN_NO_RESTART 2  /* one without SA_RESTART: fail with EINTR */

/* Runs signal sig now. */
static int run(int sig)
{
	struct sigaction *a = &actions[sig];
	_sig_func_ptr handler = a->sa_handler;
	if (handler == SIG_IGN)
		return 0;
	if (handler == SIG_DFL) {
		act_by_default(sig);
		return 0;
	}
	int flags = a->sa_flags;
	sigset_t saved = blocked;
	blocked |= a->sa_mask;
	if (!(flags & SA_NODEFER))
		blocked |= BIT(sig);
	blocked &= ~UNBLOCKABLE;
	if (flags & SA_RESETHAND) {
		a->sa_handler = SIG_DFL;
		a->sa_flags = 0;
	}
	tell_server();
	int saved_errno = errno;
	handler(sig);
	errno = saved_errno;
	blocked = saved;
	tell_server();
	return RAN_HANDLER | (flags & SA_RESTART ? 0 : RAN_NO_RESTART);
}

/* Runs what is pending and not blocked. */
static int run_pending(void)
{
	int ran = 0;
	for (int sig = 1; sig < NSIG; sig++)
		if (pending & ~blocked & BIT(sig)) {
			pending &= ~BIT(sig);
			ran |= run(sig);
		}
	return ran;
}

static void take(long bits)
{
	if (bits > 0)
		pending |= (sigset_t)bits & ~BIT(0);
}

/* Takes what init has signalled. */
static void poll(void)
{
	if (atom_signals_live)
		take(atom_syscall1(ATOM_SYS_NOTIFY_POLL, notification));
}

void atom_signal_point(void)
{
	if (!started)
		return;
	poll();
	if (pending & ~blocked)
		run_pending();
}

bool atom_signal_interrupted(void)
{
	if (!started)
		return true;   /* no signal set-up: an EINTR is not ours to undo */
	poll();
	return run_pending() & RAN_NO_RESTART;
}

long atom_signal_wait(uint64_t deadline)
{
	start();
	for (;;) {
		poll();
		if (run_pending() & RAN_HANDLER)
			return -EINTR;
		uint64_t now = atom_clock_ns(ATOM_CLOCK_MONOTONIC);
		if (deadline && now >= deadline)
			return 0;
		/* Our notification wakes us even when init holds nothing for
		 * us: then only SIGKILL or a default action can end the wait. */
		long timeout = deadline ? (long)(deadline - now) : (long)ATOM_TIMEOUT_FOREVER;
		if (notification >= 0)
			take(atom_syscall3(ATOM_SYS_NOTIFY_WAIT, notification, timeout, 0));
		else
			atom_syscall1(ATOM_SYS_SLEEP_NS, deadline ? timeout : (long)NS_PER_HOUR);
	}
}

/* kill() of our own pid. */
int atom_signal_self(int sig)
{
	start();
	if (sig == SIGKILL)
		return 1;             /* init does this one */
	if (blocked & BIT(sig))
		pending |= BIT(sig);
	else
		run(sig);
	return 0;
}

ATOM_WEAK int sigaction(int sig, const struct sigaction *restrict act,
			struct sigaction *restrict old)
{
	if (sig <= 0 || sig >= NSIG || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return atom_fail(EINVAL);
	start();
	if (old)
		*old = actions[sig];
	if (act) {
		actions[sig] = *act;
		actions[sig].sa_mask &= ~UNBLOCKABLE;
		/* Setting SIG_IGN discards a pending one, as POSIX says. */
		if (act->sa_handler == SIG_IGN)
			pending &= ~BIT(sig);
		tell_server();
	}
	return 0;
}

ATOM_WEAK _sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
	struct sigaction act = { .sa_handler = handler, .sa_flags = SA_RESTART }, old;
	if (sigaction(sig, &act, &old) != 0)
		return SIG_ERR;
	return old.sa_handler;
}

ATOM_WEAK int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old)
{
	start();
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
	blocked &= ~UNBLOCKABLE & ~BIT(0);
	tell_server();
	poll();
	run_pending();   /* what was held back and is now unblocked */
	return 0;
}

ATOM_WEAK int sigpending(sigset_t *set)
{
	if (!set)
		return atom_fail(EFAULT);
	start();
	poll();
	*set = pending & blocked;
	return 0;
}

ATOM_WEAK int sigsuspend(const sigset_t *mask)
{
	if (!mask)
		return atom_fail(EFAULT);
	start();
	sigset_t saved = blocked;
	blocked = *mask & ~UNBLOCKABLE & ~BIT(0);
	tell_server();
	atom_signal_wait(0);
	blocked = saved;
	tell_server();
	return atom_fail(EINTR);
}

ATOM_WEAK int pause(void)
{
	start();
	atom_signal_wait(0);
	return atom_fail(EINTR);
}

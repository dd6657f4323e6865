/*
 * time.c: clocks and sleeping over ATOM_SYS_CLOCK_NS and ATOM_SYS_SLEEP_NS.
 *
 * CLOCK_REALTIME is the kernel's wall clock (the battery-backed clock
 * read at boot, advanced by the monotonic clock); CLOCK_MONOTONIC is time
 * since boot.  The kernel does not yet account CPU time per process, so
 * the CPU-time clock and times() report the time since the program
 * started: an upper bound on the CPU time it used.  Sleeps have the
 * kernel tick's resolution, 10 ms, and a signal's handler ends them
 * (signal.c waits on the signal notification until the deadline).
 */
#include <errno.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "libc_internal.h"

#define ATOM_WEAK __attribute__((weak))
#define NS 1000000000ull

/* The monotonic time when the program started, taken before main. */
static uint64_t start_ns;

__attribute__((constructor)) static void time_start(void)
{
	start_ns = atom_clock_ns(ATOM_CLOCK_MONOTONIC);
}

ATOM_WEAK int clock_gettime(clockid_t id, struct timespec *tp)
{
	uint64_t t;
	switch (id) {
	case CLOCK_REALTIME: t = atom_clock_ns(ATOM_CLOCK_REALTIME); break;
	case CLOCK_MONOTONIC: t = atom_clock_ns(ATOM_CLOCK_MONOTONIC); break;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID: t = atom_clock_ns(ATOM_CLOCK_MONOTONIC) - start_ns; break;
	default: return atom_fail(EINVAL);
	}
	if (!tp)
		return atom_fail(EFAULT);
	tp->tv_sec = (time_t)(t / NS);
	tp->tv_nsec = (long)(t % NS);
	return 0;
}

ATOM_WEAK int clock_getres(clockid_t id, struct timespec *res)
{
	if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC && id != CLOCK_PROCESS_CPUTIME_ID &&
	    id != CLOCK_THREAD_CPUTIME_ID)
		return atom_fail(EINVAL);
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = 1;
	}
	return 0;
}

ATOM_WEAK int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	(void)tz;
	if (tv) {
		uint64_t t = atom_clock_ns(ATOM_CLOCK_REALTIME);
		tv->tv_sec = (time_t)(t / NS);
		tv->tv_usec = (suseconds_t)(t % NS / 1000);
	}
	return 0;
}

/* In CLK_TCK units (1000 a second). */
ATOM_WEAK clock_t times(struct tms *buf)
{
	uint64_t now = atom_clock_ns(ATOM_CLOCK_MONOTONIC);
	if (buf) {
		buf->tms_utime = (clock_t)((now - start_ns) / (NS / CLK_TCK));
		buf->tms_stime = 0;
		buf->tms_cutime = 0;
		buf->tms_cstime = 0;
	}
	return (clock_t)(now / (NS / CLK_TCK));
}

ATOM_WEAK int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (!req)
		return atom_fail(EFAULT);
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NS)
		return atom_fail(EINVAL);
	uint64_t ns = (uint64_t)req->tv_sec > UINT64_MAX / NS / 2 ? UINT64_MAX / 2
			: (uint64_t)req->tv_sec * NS + (uint64_t)req->tv_nsec;
	if (ns == 0)
		return 0;
	uint64_t deadline = atom_clock_ns(ATOM_CLOCK_MONOTONIC) + ns;
	if (atom_signal_wait(deadline) == 0)
		return 0;
	/* A handler ran: say how much of the sleep was left. */
	if (rem) {
		uint64_t now = atom_clock_ns(ATOM_CLOCK_MONOTONIC);
		uint64_t left = deadline > now ? deadline - now : 0;
		rem->tv_sec = (time_t)(left / NS);
		rem->tv_nsec = (long)(left % NS);
	}
	return atom_fail(EINTR);
}

ATOM_WEAK unsigned sleep(unsigned seconds)
{
	struct timespec ts = { .tv_sec = seconds, .tv_nsec = 0 }, rem;
	if (nanosleep(&ts, &rem) == 0)
		return 0;
	return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
}

ATOM_WEAK int usleep(useconds_t usec)
{
	if (usec >= 1000000)
		return atom_fail(EINVAL);
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)usec * 1000 };
	return nanosleep(&ts, NULL);
}

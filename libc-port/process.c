/*
 * process.c: processes over the process server (init; <atom/proc.h>).
 *
 * posix_spawn() writes the whole request (path, argv, envp, file actions;
 * <atom/spawn_msg.h>) into a fresh memory object and passes it to the
 * process server, which has the VFS find the program in our directory
 * and build the child's descriptors from ours.  There is no fork(): a
 * capability system has no cheap way to copy an address space with all
 * its rights, and posix_spawn() is what ported programs need instead.
 *
 * kill() asks the process server, which decides what the signal does
 * from the dispositions the target registered (signal.c); a signal sent
 * to ourselves is run or held right here.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atom/memory.h>
#include <atom/proc.h>
#include <atom/spawn_msg.h>

#include "libc_internal.h"

#define ATOM_WEAK __attribute__((weak))
/* Where a spawn request is written before it is sent. */
#define SPAWN_REQUEST_VA 0x0000120000000000ull

struct __posix_spawn_file_actions {
	size_t count;
	struct spawn_msg_action actions[SPAWN_MSG_MAX_ACTIONS];
	char *paths[SPAWN_MSG_MAX_ACTIONS];
};

struct __posix_spawnattr {
	short flags;
	pid_t pgroup;
	sigset_t sigmask, sigdefault;
};

ATOM_WEAK int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
	*fa = calloc(1, sizeof(**fa));
	return *fa ? 0 : ENOMEM;
}

ATOM_WEAK int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
	if (!fa || !*fa)
		return EINVAL;
	for (size_t i = 0; i < (*fa)->count; i++)
		free((*fa)->paths[i]);
	free(*fa);
	*fa = NULL;
	return 0;
}

static int add_action(posix_spawn_file_actions_t *fa, uint32_t kind, int fd, int newfd,
		      const char *path, int flags, mode_t mode)
{
	if (!fa || !*fa)
		return EINVAL;
	if (fd < 0 || newfd < 0)
		return EBADF;
	struct __posix_spawn_file_actions *a = *fa;
	if (a->count == SPAWN_MSG_MAX_ACTIONS)
		return ENOMEM;
	char *copy = NULL;
	if (path && !(copy = strdup(path)))
		return ENOMEM;
	a->actions[a->count] = (struct spawn_msg_action){
		.kind = kind, .fd = fd, .newfd = newfd, .flags = flags, .mode = mode,
	};
	a->paths[a->count++] = copy;
	return 0;
}

ATOM_WEAK int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
	return add_action(fa, SPAWN_ACTION_CLOSE, fd, 0, NULL, 0, 0);
}

ATOM_WEAK int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd)
{
	return add_action(fa, SPAWN_ACTION_DUP2, fd, newfd, NULL, 0, 0);
}

ATOM_WEAK int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *restrict fa, int fd,
					       const char *restrict path, int flags, mode_t mode)
{
	if (!path)
		return EINVAL;
	return add_action(fa, SPAWN_ACTION_OPEN, 0, fd, path, flags, mode);
}

ATOM_WEAK int posix_spawnattr_init(posix_spawnattr_t *attr)
{
	*attr = calloc(1, sizeof(**attr));
	return *attr ? 0 : ENOMEM;
}

ATOM_WEAK int posix_spawnattr_destroy(posix_spawnattr_t *attr)
{
	if (!attr || !*attr)
		return EINVAL;
	free(*attr);
	*attr = NULL;
	return 0;
}

/* Flags are kept for getflags; what they ask for (schedulers, a new
 * session) does not exist on Atom yet, so setting those is refused
 * rather than silently ignored. */
ATOM_WEAK int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags)
{
	if (!attr || !*attr)
		return EINVAL;
	if (flags & ~(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))
		return ENOTSUP;
	(*attr)->flags = flags;
	return 0;
}

ATOM_WEAK int posix_spawnattr_getflags(const posix_spawnattr_t *restrict attr,
				       short *restrict flags)
{
	if (!attr || !*attr)
		return EINVAL;
	*flags = (*attr)->flags;
	return 0;
}

ATOM_WEAK int posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgroup)
{
	if (!attr || !*attr || pgroup < 0)
		return EINVAL;
	(*attr)->pgroup = pgroup;
	return 0;
}

ATOM_WEAK int posix_spawnattr_getpgroup(const posix_spawnattr_t *restrict attr,
					pid_t *restrict pgroup)
{
	if (!attr || !*attr)
		return EINVAL;
	*pgroup = (*attr)->pgroup;
	return 0;
}

ATOM_WEAK int posix_spawnattr_setsigmask(posix_spawnattr_t *restrict attr,
					 const sigset_t *restrict mask)
{
	if (!attr || !*attr)
		return EINVAL;
	(*attr)->sigmask = *mask;
	return 0;
}

ATOM_WEAK int posix_spawnattr_setsigdefault(posix_spawnattr_t *restrict attr,
					    const sigset_t *restrict set)
{
	if (!attr || !*attr)
		return EINVAL;
	(*attr)->sigdefault = *set;
	return 0;
}

/* The child inherits the signals we ignore (the process server knows
 * them) and our blocked mask; POSIX_SPAWN_SETSIGDEF and _SETSIGMASK
 * change that.  Caught signals start at their defaults. */
ATOM_WEAK int posix_spawn(pid_t *restrict pid, const char *restrict path,
			  const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *restrict attr,
			  char *const argv[restrict], char *const envp[restrict])
{
	if (!path)
		return EINVAL;
	const struct __posix_spawnattr *at = attr ? *attr : NULL;
	struct spawn_msg_attrs attrs = { 0, 0, -1 };
	sigset_t mask;
	sigprocmask(SIG_BLOCK, NULL, &mask);
	attrs.mask = at && (at->flags & POSIX_SPAWN_SETSIGMASK) ? at->sigmask : mask;
	attrs.defaults = at && (at->flags & POSIX_SPAWN_SETSIGDEF) ? at->sigdefault : 0;
	attrs.mask &= SPAWN_MSG_SIGNALS;
	attrs.defaults &= SPAWN_MSG_SIGNALS;
	if (at && (at->flags & POSIX_SPAWN_SETPGROUP))
		attrs.pgroup = at->pgroup;
	const struct __posix_spawn_file_actions *a = fa ? *fa : NULL;
	size_t n = a ? a->count : 0;
	const struct spawn_msg_action *actions = a ? a->actions : NULL;
	const char *const *paths = a ? (const char *const *)a->paths : NULL;
	size_t size = spawn_msg_size(path, (const char *const *)argv, (const char *const *)envp,
				     actions, paths, n);
	if (size > SPAWN_MSG_MAX_SIZE)
		return E2BIG;
	uint64_t pages = (size + ATOM_PAGE_SIZE - 1) / ATOM_PAGE_SIZE;
	long mem = atom_syscall3(ATOM_SYS_MEM_CREATE, (long)pages, 0, 0);
	if (mem < 0)
		return ENOMEM;
	long r = atom_syscall6(ATOM_SYS_MEM_MAP, 1, mem, (long)SPAWN_REQUEST_VA, 0, (long)pages,
			       ATOM_PROT_READ | ATOM_PROT_WRITE);
	if (r == 0) {
		size_t used = spawn_msg_encode((void *)(uintptr_t)SPAWN_REQUEST_VA, pages * ATOM_PAGE_SIZE,
					       path, (const char *const *)argv,
					       (const char *const *)envp, actions, paths, n, &attrs);
		atom_syscall3(ATOM_SYS_MEM_UNMAP, 1, (long)SPAWN_REQUEST_VA, (long)pages);
		r = used ? atom_proc_call(PROC_SPAWN, used, 0, mem, NULL) : -E2BIG;
	} else {
		r = -ENOMEM;
	}
	atom_syscall1(ATOM_SYS_CAP_DELETE, mem);
	if (r < 0)
		return (int)-r;
	if (pid)
		*pid = (pid_t)r;
	return 0;
}

/* Searches PATH (our environment's, else "/bin") for a file without a
 * slash in its name. */
ATOM_WEAK int posix_spawnp(pid_t *restrict pid, const char *restrict file,
			   const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *restrict attr,
			   char *const argv[restrict], char *const envp[restrict])
{
	if (!file || !*file)
		return ENOENT;
	if (strchr(file, '/'))
		return posix_spawn(pid, file, fa, attr, argv, envp);
	const char *search = getenv("PATH");
	if (!search)
		search = "/bin";
	int err = ENOENT;
	size_t flen = strlen(file);
	while (*search) {
		size_t dlen = strcspn(search, ":");
		char candidate[1024];
		if (dlen + 1 + flen + 1 <= sizeof(candidate)) {
			memcpy(candidate, dlen ? search : ".", dlen ? dlen : 1);
			size_t at = dlen ? dlen : 1;
			candidate[at++] = '/';
			memcpy(candidate + at, file, flen + 1);
			struct stat st;
			if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode))
				return posix_spawn(pid, candidate, fa, attr, argv, envp);
			if (errno != ENOENT && errno != ENOTDIR)
				err = errno;
		}
		search += dlen;
		if (*search == ':')
			search++;
	}
	return err;
}

ATOM_WEAK pid_t waitpid(pid_t pid, int *status, int options)
{
	struct atom_msg m;
	if (options & ~(WNOHANG | WUNTRACED))
		return atom_fail(EINVAL);
	/* No process groups: 0 and -pgid mean any child. */
	if (pid == 0 || pid < -1)
		pid = -1;
	long r;
	atom_signal_point();
	do
		r = atom_proc_call(PROC_WAIT, (uint64_t)(int64_t)pid, (uint64_t)(options & WNOHANG),
				   -1, &m);
	while (r == -EINTR && !atom_signal_interrupted());
	if (r == -ENOSYS)
		r = -ECHILD;
	if (r > 0 && status)
		*status = (int)m.w[1];
	return (pid_t)atom_result(r);
}

ATOM_WEAK pid_t wait(int *status)
{
	return waitpid(-1, status, 0);
}

/* A signal sent to ourselves runs here (raise); the rest, process
 * groups included (pid 0 and below -1), go to the process server. */
ATOM_WEAK int kill(pid_t pid, int sig)
{
	if (sig < 0 || sig >= NSIG)
		return atom_fail(EINVAL);
	if (pid == getpid() && sig != 0 && atom_signal_self(sig) == 0)
		return 0;
	if (pid == -1)
		return atom_fail(ENOTSUP);   /* every process: not for a program to do */
	long r = atom_proc_call(PROC_KILL, (uint64_t)(int64_t)pid, (uint64_t)sig, -1, NULL);
	return (int)atom_result(r == -ENOSYS ? -EPERM : r);
}

ATOM_WEAK int killpg(pid_t pgrp, int sig)
{
	if (pgrp <= 1)
		return atom_fail(EINVAL);
	return kill(-pgrp, sig);
}

/* Process groups live in the process server.  There are no sessions
 * apart from them: setsid() makes a new group and reports it. */
ATOM_WEAK int setpgid(pid_t pid, pid_t pgid)
{
	long r = atom_proc_call(PROC_SETPGID, (uint64_t)(int64_t)pid, (uint64_t)(int64_t)pgid, -1,
				NULL);
	return (int)atom_result(r == -ENOSYS ? -EPERM : r);
}

ATOM_WEAK pid_t getpgid(pid_t pid)
{
	long r = atom_proc_call(PROC_GETPGID, (uint64_t)(int64_t)pid, 0, -1, NULL);
	if (r == -ENOSYS)
		return pid == 0 || pid == getpid() ? getpid() : atom_fail(ESRCH);
	return (pid_t)atom_result(r);
}

ATOM_WEAK pid_t getpgrp(void)
{
	return getpgid(0);
}

ATOM_WEAK int setpgrp(void)
{
	return setpgid(0, 0);
}

ATOM_WEAK pid_t setsid(void)
{
	return setpgid(0, 0) == 0 ? getpid() : -1;
}

ATOM_WEAK pid_t getppid(void)
{
	long r = atom_proc_call(PROC_GETPPID, 0, 0, -1, NULL);
	return r < 0 ? 0 : (pid_t)r;  /* started by the kernel: no parent */
}

int atom_process_next(int after, struct atom_process_info *out)
{
	struct atom_msg m;
	long r = atom_proc_call(PROC_NEXT, (uint64_t)after, 0, -1, &m);
	if (r <= 0)
		return r == 0 ? 0 : atom_fail((int)-r);
	out->pid = (int)r;
	out->ppid = (int)m.w[1];
	out->state = (int)m.w[2];
	memcpy(out->name, &atom_ipc_buffer()->words[4], sizeof(out->name));
	out->name[sizeof(out->name) - 1] = '\0';
	return (int)r;
}

ATOM_WEAK pid_t fork(void)
{
	return atom_fail(ENOSYS);
}

ATOM_WEAK int execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	return atom_fail(ENOSYS);
}

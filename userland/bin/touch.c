/* touch [-c] file...: creates each file that does not exist (not with
 * -c), with mode 0644 (Atom has no umask; this is what 022 would leave),
 * and sets the modification time of one that does to now.
 *
 * The C library has no utime/utimes (the file server has no call to set
 * times), so the time is changed the one way the server allows: an
 * ftruncate() to the file's own length, which leaves the data alone and
 * marks it modified.  The access time is not changed, times cannot be
 * given (-a, -m, -t, -d, -r are not supported), a directory or device
 * keeps its times (touch says nothing), and a file on the read-only root
 * cannot be touched (EROFS). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

const char *progname = "touch";
static const char usage_text[] = "touch [-c] file...";

static bool touch(const char *path, bool create)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return true; /* nothing can change a directory's times */
    int fd = open(path, O_WRONLY | (create ? O_CREAT : 0), 0644);
    if (fd < 0) {
        if (!create && errno == ENOENT)
            return true;
        error_errno(path);
        return false;
    }
    bool ok = fstat(fd, &st) == 0 && (!S_ISREG(st.st_mode) || ftruncate(fd, st.st_size) == 0);
    if (!ok)
        error_errno(path);
    close(fd);
    return ok;
}

int main(int argc, char **argv)
{
    bool create = true;
    while (next_option(argc, argv, "c", usage_text) != -1)
        create = false;
    if (option_index == argc)
        usage(usage_text);
    int status = 0;
    for (int i = option_index; i < argc; i++)
        if (!touch(argv[i], create))
            status = 1;
    return status;
}

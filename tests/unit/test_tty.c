/* The console server's line discipline (userland/console/tty.c). */
#include <signal.h>
#include <string.h>

#include "../../userland/console/tty.h"
#include "unit.h"

struct seen {
    char echo[256];
    size_t echo_len;
    int signals[8];
    size_t signal_count;
};

static void on_echo(void *ctx, const char *bytes, size_t n)
{
    struct seen *s = ctx;
    ck_assert_uint_le(s->echo_len + n, sizeof(s->echo) - 1);
    memcpy(s->echo + s->echo_len, bytes, n);
    s->echo_len += n;
    s->echo[s->echo_len] = '\0';
}

static void on_signal(void *ctx, int sig)
{
    struct seen *s = ctx;
    s->signals[s->signal_count++] = sig;
}

static struct tty t;
static struct seen seen;
static struct tty_sink sink;

static void setup(void)
{
    tty_init(&t);
    memset(&seen, 0, sizeof(seen));
    sink = (struct tty_sink){ on_echo, on_signal, &seen };
}

static void type(const char *s)
{
    tty_input(&t, s, strlen(s), &sink);
}

/* The next read as a string; "<eof>" for end of file, "<wait>" when a
 * read would have to wait. */
static const char *next_read(size_t max)
{
    static char buf[TTY_INPUT_MAX + 1];
    bool eof;
    if (!tty_readable(&t))
        return "<wait>";
    size_t n = tty_read(&t, buf, max, &eof);
    if (n == 0)
        return eof ? "<eof>" : "<wait>";
    buf[n] = '\0';
    return buf;
}

START_TEST(canonical_lines_one_at_a_time)
{
    type("ab");
    ck_assert_str_eq(next_read(64), "<wait>");   /* no Enter yet */
    type("c\rsecond\r");                          /* CR becomes NL (ICRNL) */
    ck_assert_str_eq(seen.echo, "abc\nsecond\n");
    ck_assert_str_eq(next_read(64), "abc\n");
    ck_assert_str_eq(next_read(3), "sec");         /* a short read keeps the rest */
    ck_assert_str_eq(next_read(64), "ond\n");
    ck_assert_str_eq(next_read(64), "<wait>");
}
END_TEST

START_TEST(erase_and_kill)
{
    type("helo\x7f\x7flp");
    ck_assert_str_eq(seen.echo, "helo\b \b\b \blp");
    type("\xc3\xa4\x7f");                         /* 'ä' is one character */
    type("!\r");
    ck_assert_str_eq(next_read(64), "help!\n");
    type("junk\x15ok\r");                          /* Ctrl-U */
    ck_assert_str_eq(next_read(64), "ok\n");
    type("\x7f\x7f\r");                            /* erasing nothing is harmless */
    ck_assert_str_eq(next_read(64), "\n");
}
END_TEST

START_TEST(end_of_file)
{
    type("\x04");
    ck_assert_str_eq(next_read(64), "<eof>");
    type("partial\x04");                           /* ends the line, no newline */
    ck_assert_str_eq(next_read(64), "partial");
    type("one\r\x04two\r");                        /* EOF between two lines */
    ck_assert_str_eq(next_read(64), "one\n");
    ck_assert_str_eq(next_read(64), "<eof>");
    ck_assert_str_eq(next_read(64), "two\n");
}
END_TEST

START_TEST(signal_characters)
{
    type("ready\rhalf");
    type("\x03");
    ck_assert_uint_eq(seen.signal_count, 1);
    ck_assert_int_eq(seen.signals[0], SIGINT);
    ck_assert_str_eq(seen.echo, "ready\nhalf^C\n");
    ck_assert_str_eq(next_read(64), "<wait>");     /* input dropped */
    type("\x1c\x1a");
    ck_assert_int_eq(seen.signals[1], SIGQUIT);
    ck_assert_int_eq(seen.signals[2], SIGTSTP);
    t.mode.c_lflag &= ~(tcflag_t)ISIG;             /* now just bytes */
    type("\x03\r");
    ck_assert_uint_eq(seen.signal_count, 3);
    ck_assert_str_eq(next_read(64), "\x03\n");
}
END_TEST

START_TEST(raw_mode)
{
    struct termios raw = t.mode;
    type("typed");                                 /* half a line, then raw */
    cfmakeraw(&raw);
    tty_set_mode(&t, &raw, false);
    type("a\x03\r");
    ck_assert_uint_eq(seen.signal_count, 0);
    ck_assert_str_eq(seen.echo, "typed");          /* no echo in raw mode */
    ck_assert_str_eq(next_read(3), "typ");
    ck_assert_str_eq(next_read(64), "eda\x03\r");
    ck_assert_str_eq(next_read(64), "<wait>");
    raw.c_cc[VMIN] = 0;                            /* a read returns at once */
    tty_set_mode(&t, &raw, false);
    ck_assert(tty_readable(&t));
    ck_assert_str_eq(next_read(64), "<eof>");
    type("x");
    tty_set_mode(&t, &raw, true);                  /* TCSAFLUSH */
    ck_assert_str_eq(next_read(64), "<eof>");
}
END_TEST

START_TEST(output_processing)
{
    char out[16];
    size_t used;
    ck_assert_uint_eq(tty_output(&t, "a\nb", 3, out, sizeof(out), &used), 4);
    ck_assert_uint_eq(used, 3);
    ck_assert(memcmp(out, "a\r\nb", 4) == 0);
    /* Never half a CR NL pair. */
    ck_assert_uint_eq(tty_output(&t, "a\n", 2, out, 2, &used), 1);
    ck_assert_uint_eq(used, 1);
    t.mode.c_oflag &= ~(tcflag_t)OPOST;
    ck_assert_uint_eq(tty_output(&t, "a\n", 2, out, sizeof(out), &used), 2);
}
END_TEST

START_TEST(full_queues_lose_no_earlier_input)
{
    char line[TTY_LINE_MAX + 10];
    memset(line, 'x', sizeof(line));
    t.mode.c_lflag &= ~(tcflag_t)ECHO;
    tty_input(&t, line, sizeof(line), &sink);      /* longer than a line */
    type("\r");
    const char *got = next_read(TTY_INPUT_MAX);
    ck_assert_uint_eq(strlen(got), TTY_LINE_MAX);  /* cut, newline kept */
    ck_assert_int_eq(got[TTY_LINE_MAX - 1], '\n');
    for (int i = 0; i < TTY_RECORDS + 5; i++)
        type("l\r");
    for (int i = 0; i < TTY_RECORDS; i++)
        ck_assert_str_eq(next_read(64), "l\n");
    ck_assert_str_eq(next_read(64), "<wait>");
}
END_TEST

Suite *suite_tty(void)
{
    Suite *s = suite_create("tty");
    TCase *tc = tcase_create("tty");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, canonical_lines_one_at_a_time);
    tcase_add_test(tc, erase_and_kill);
    tcase_add_test(tc, end_of_file);
    tcase_add_test(tc, signal_characters);
    tcase_add_test(tc, raw_mode);
    tcase_add_test(tc, output_processing);
    tcase_add_test(tc, full_queues_lose_no_earlier_input);
    suite_add_tcase(s, tc);
    return s;
}

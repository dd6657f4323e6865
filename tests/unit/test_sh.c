/* Unit tests of the shell's logic (userland/sh/): the lexer with every
 * quote form and operator, the parse trees of lists, pipelines,
 * redirections and subshells and the syntax errors, word expansion
 * (parameters, quoting, field splitting, "$@", globbing in a directory
 * made here), pattern matching, the environment given to children, and
 * the line editor driven by key sequences (editing keys, history,
 * completion through a stand-in callback and through the real one on a
 * directory).  Running commands (exec.c) needs Atom's or a Unix process
 * layer and is tested in Atom by tests/ush. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../userland/sh/complete.h"
#include "../../userland/sh/expand.h"
#include "../../userland/sh/lex.h"
#include "../../userland/sh/line.h"
#include "../../userland/sh/parse.h"
#include "../../userland/sh/pattern.h"
#include "unit.h"

/* ---- the lexer ------------------------------------------------------------ */

/* The tokens of src, words as they are and operators in <>, ending with
 * "!" when the lexer asked for more input. */
static char *tokens(const char *src)
{
    struct lexer lx;
    struct strbuf out = { 0 };
    lex_init(&lx, src);
    for (;;) {
        struct token t;
        if (lex_next(&lx, &t) == LEX_INCOMPLETE) {
            strbuf_puts(&out, out.len ? " !" : "!");
            break;
        }
        if (t.type == TOK_END) {
            lex_token_free(&t);
            break;
        }
        if (out.len)
            strbuf_putc(&out, ' ');
        if (t.type == TOK_WORD) {
            strbuf_puts(&out, t.text);
        } else {
            char io[16] = "";
            if (t.io_number >= 0)
                snprintf(io, sizeof(io), "%d", t.io_number);
            strbuf_putc(&out, '<');
            strbuf_puts(&out, io);
            strbuf_puts(&out, t.type == TOK_NEWLINE ? "nl" : t.text);
            strbuf_putc(&out, '>');
        }
        lex_token_free(&t);
    }
    return strbuf_take(&out);
}

#define CHECK_TOKENS(src, want)                     \
    do {                                            \
        char *got_ = tokens(src);                   \
        ck_assert_str_eq(got_, want);               \
        free(got_);                                 \
    } while (0)

START_TEST(lex_words_and_quotes)
{
    CHECK_TOKENS("echo hello   world", "echo hello world");
    CHECK_TOKENS("echo 'a b' \"c $d e\" f\\ g", "echo 'a b' \"c $d e\" f\\ g");
    CHECK_TOKENS("a'b'\"c\"d", "a'b'\"c\"d");
    CHECK_TOKENS("'a;b|c' \"x&&y\" z\\;w", "'a;b|c' \"x&&y\" z\\;w");
    CHECK_TOKENS("\"a \\\" b\" 'c\"d'", "\"a \\\" b\" 'c\"d'");
    CHECK_TOKENS("${a b} $(echo ')' \"(\") x", "${a b} $(echo ')' \"(\") x");
    CHECK_TOKENS("\"$(echo \"in\")\"", "\"$(echo \"in\")\"");
    CHECK_TOKENS("one \\\ntwo", "one two");     /* line continuation */
    CHECK_TOKENS("a\\\nb", "ab");
    CHECK_TOKENS("echo a # a comment ; b\nc", "echo a <nl> c");
    CHECK_TOKENS("echo a#b", "echo a#b");
    CHECK_TOKENS("", "");
}
END_TEST

START_TEST(lex_operators)
{
    CHECK_TOKENS("a;b&c&&d||e|f", "a <;> b <&> c <&&> d <||> e <|> f");
    CHECK_TOKENS("(a)", "<(> a <)>");
    CHECK_TOKENS("a ;; b", "a <;;> b");
    CHECK_TOKENS("x<in >out >>app <>rw", "x <<> in <>> out <>>> app <<>> rw");
    CHECK_TOKENS("x 2>err 2>&1 0<&3 >&- 12>f", "x <2>> err <2>&> 1 <0<&> 3 <>&> - <12>> f");
    CHECK_TOKENS("x 2 >f a2>f", "x 2 <>> f a2 <>> f");
    CHECK_TOKENS("cat <<EOF", "cat <<<> EOF");
    CHECK_TOKENS("a\nb", "a <nl> b");
    CHECK_TOKENS("a >|b", "a <>|> b");
}
END_TEST

START_TEST(lex_incomplete)
{
    CHECK_TOKENS("echo 'abc", "echo !");
    CHECK_TOKENS("echo \"abc", "echo !");
    CHECK_TOKENS("echo \"a'b", "echo !");
    CHECK_TOKENS("echo abc\\", "echo !");
    CHECK_TOKENS("echo abc\\\n", "echo !");
    CHECK_TOKENS("echo \\\n", "echo !");
    CHECK_TOKENS("echo \"a\\\n", "echo !");
    CHECK_TOKENS("echo $(ls", "echo !");
    CHECK_TOKENS("echo ${x", "echo !");
    CHECK_TOKENS("echo 'a\nb'", "echo 'a\nb'");
}
END_TEST

/* ---- the parser ----------------------------------------------------------- */

static void dump_command(struct strbuf *b, const struct command *c)
{
    static const char *const kinds[] = { "<", ">", ">>", "<>", "<&", ">&", "<<" };
    if (c->subshell) {
        strbuf_puts(b, "sub(");
        strbuf_puts(b, c->subshell);
    } else {
        strbuf_puts(b, "cmd(");
        for (size_t i = 0; i < c->assign_count; i++) {
            strbuf_puts(b, c->assigns[i]);
            strbuf_puts(b, ",");
        }
        for (size_t i = 0; i < c->word_count; i++) {
            if (i)
                strbuf_puts(b, ",");
            strbuf_puts(b, c->words[i]);
        }
    }
    for (size_t i = 0; i < c->redir_count; i++) {
        char fd[16];
        snprintf(fd, sizeof(fd), " %d", c->redirs[i].fd);
        strbuf_puts(b, fd);
        strbuf_puts(b, kinds[c->redirs[i].kind]);
        strbuf_puts(b, c->redirs[i].word);
    }
    strbuf_puts(b, ")");
}

/* The tree as text: "cmd(echo,a) | cmd(wc) && ... ;" and the status. */
static char *tree(const char *src, enum parse_status *status, char *error, size_t error_size)
{
    struct parse_result r;
    *status = parse_program(src, &r);
    if (error)
        snprintf(error, error_size, "%s", r.error);
    if (*status != PARSE_OK)
        return NULL;
    struct strbuf b = { 0 };
    for (size_t i = 0; i < r.program->count; i++) {
        const struct and_or *ao = &r.program->items[i];
        if (i)
            strbuf_puts(&b, " ");
        for (size_t j = 0; j < ao->count; j++) {
            if (j)
                strbuf_puts(&b, ao->ops[j - 1] == AND_IF ? " && " : " || ");
            if (ao->pipes[j].negate)
                strbuf_puts(&b, "! ");
            for (size_t k = 0; k < ao->pipes[j].count; k++) {
                if (k)
                    strbuf_puts(&b, " | ");
                dump_command(&b, &ao->pipes[j].cmds[k]);
            }
        }
        strbuf_puts(&b, ao->background ? " &" : " ;");
    }
    parse_free(r.program);
    return strbuf_take(&b);
}

#define CHECK_TREE(src, want)                                 \
    do {                                                      \
        enum parse_status st_;                                \
        char *got_ = tree(src, &st_, NULL, 0);                \
        ck_assert_int_eq(st_, PARSE_OK);                      \
        ck_assert_str_eq(got_, want);                         \
        free(got_);                                           \
    } while (0)

#define CHECK_SYNTAX_ERROR(src, message)                      \
    do {                                                      \
        enum parse_status st_;                                \
        char err_[160];                                       \
        char *got_ = tree(src, &st_, err_, sizeof(err_));     \
        ck_assert_ptr_null(got_);                             \
        ck_assert_int_eq(st_, PARSE_ERROR);                   \
        ck_assert_str_eq(err_, message);                      \
    } while (0)

#define CHECK_INCOMPLETE(src)                                 \
    do {                                                      \
        enum parse_status st_;                                \
        char *got_ = tree(src, &st_, NULL, 0);                \
        ck_assert_ptr_null(got_);                             \
        ck_assert_int_eq(st_, PARSE_INCOMPLETE);              \
    } while (0)

START_TEST(parse_lists)
{
    CHECK_TREE("echo a\n", "cmd(echo,a) ;");
    CHECK_TREE("a; b & c\n", "cmd(a) ; cmd(b) & cmd(c) ;");
    CHECK_TREE("a && b || c; d\n", "cmd(a) && cmd(b) || cmd(c) ; cmd(d) ;");
    CHECK_TREE("a &&\n\n b\n", "cmd(a) && cmd(b) ;");
    CHECK_TREE("\n\n  a;\n", "cmd(a) ;");
    CHECK_TREE("a & b &\n", "cmd(a) & cmd(b) &");
    CHECK_TREE("", "");
    CHECK_TREE("# only a comment\n", "");

    /* The and_or's text is kept for jobs and child shells. */
    struct parse_result r;
    ck_assert_int_eq(parse_program("sleep 1 && echo 'x y' &  next\n", &r), PARSE_OK);
    ck_assert_uint_eq(r.program->count, 2);
    ck_assert_str_eq(r.program->items[0].text, "sleep 1 && echo 'x y'");
    ck_assert(r.program->items[0].background);
    ck_assert_str_eq(r.program->items[1].text, "next");
    parse_free(r.program);
}
END_TEST

START_TEST(parse_pipelines_and_commands)
{
    CHECK_TREE("a | b | c | d\n", "cmd(a) | cmd(b) | cmd(c) | cmd(d) ;");
    CHECK_TREE("a |\n b\n", "cmd(a) | cmd(b) ;");
    CHECK_TREE("! a | b\n", "! cmd(a) | cmd(b) ;");
    CHECK_TREE("X=1 Y='2 3' cmd Z=4\n", "cmd(X=1,Y='2 3',cmd,Z=4) ;");
    CHECK_TREE("X=1\n", "cmd(X=1,) ;");
    CHECK_TREE("'X'=1 a\n", "cmd('X'=1,a) ;");
    CHECK_TREE("(cd /; pwd) | wc\n", "sub(cd /; pwd) | cmd(wc) ;");
    CHECK_TREE("( a && (b) ) >out\n", "sub( a && (b)  1>out) ;");
    CHECK_TREE("(a\nb)\n", "sub(a\nb) ;");
}
END_TEST

START_TEST(parse_redirections)
{
    CHECK_TREE("cmd <in >out\n", "cmd(cmd 0<in 1>out) ;");
    CHECK_TREE("cmd >>log 2>err 2>&1\n", "cmd(cmd 1>>log 2>err 2>&1) ;");
    CHECK_TREE("<in cmd arg\n", "cmd(cmd,arg 0<in) ;");
    CHECK_TREE("cmd 3<>f 0<&3 1>&- 5>\"a b\"\n", "cmd(cmd 3<>f 0<&3 1>&- 5>\"a b\") ;");
    CHECK_TREE(">only\n", "cmd( 1>only) ;");
    CHECK_TREE("a >x | b <y\n", "cmd(a 1>x) | cmd(b 0<y) ;");
}
END_TEST

START_TEST(parse_syntax_errors)
{
    CHECK_SYNTAX_ERROR("echo ; ;\n", "syntax error near ';'");
    CHECK_SYNTAX_ERROR("| x\n", "syntax error near '|'");
    CHECK_SYNTAX_ERROR("a || && b\n", "syntax error near '&&'");
    CHECK_SYNTAX_ERROR("echo >\n", "syntax error near 'newline'");
    CHECK_SYNTAX_ERROR("echo > ;\n", "syntax error near ';'");
    CHECK_SYNTAX_ERROR("echo )\n", "syntax error near ')'");
    CHECK_SYNTAX_ERROR("()\n", "syntax error near ')'");
    CHECK_SYNTAX_ERROR("(a) b\n", "syntax error near 'b'");
    CHECK_SYNTAX_ERROR("a ;; b\n", "syntax error near ';;'");
    CHECK_SYNTAX_ERROR("cat <<EOF\n", "syntax error near '<<'");
    CHECK_SYNTAX_ERROR("if true; then a; fi\n", "syntax error near 'if'");
    CHECK_SYNTAX_ERROR("& a\n", "syntax error near '&'");
    CHECK_INCOMPLETE("a &&\n");
    CHECK_INCOMPLETE("a ||");
    CHECK_INCOMPLETE("a |\n\n");
    CHECK_INCOMPLETE("(a\n");
    CHECK_INCOMPLETE("(a; (b)\n");
    CHECK_INCOMPLETE("echo 'a\n");
    CHECK_INCOMPLETE("echo \"a\n");
    CHECK_INCOMPLETE("echo a\\");
    CHECK_INCOMPLETE("echo a\\\n");
    CHECK_TREE("echo 'a\nb'\n", "cmd(echo,'a\nb') ;");
}
END_TEST

/* ---- expansion ------------------------------------------------------------ */

static void shell_init(struct shell *sh)
{
    *sh = (struct shell){ .status = 3, .pid = 4242, .name = "script" };
    strvec_push_copy(&sh->params, "one");
    strvec_push_copy(&sh->params, "two words");
    strvec_push_copy(&sh->params, "");
}

static void shell_done(struct shell *sh)
{
    strvec_free(&sh->params);
    vars_free(&sh->vars);
}

/* The fields of one word as "[a][b]". */
static char *fields(struct shell *sh, const char *word)
{
    struct strvec out = { 0 };
    char *const words[1] = { (char *)word };
    int r = expand_words(sh, words, 1, &out);
    struct strbuf b = { 0 };
    if (r < 0)
        strbuf_puts(&b, "ERROR");
    for (size_t i = 0; i < out.count; i++) {
        strbuf_putc(&b, '[');
        strbuf_puts(&b, out.items[i]);
        strbuf_putc(&b, ']');
    }
    strvec_free(&out);
    return strbuf_take(&b);
}

#define CHECK_FIELDS(sh, word, want)                \
    do {                                            \
        char *got_ = fields(sh, word);              \
        ck_assert_str_eq(got_, want);               \
        free(got_);                                 \
    } while (0)

START_TEST(expand_quoting)
{
    struct shell sh;
    shell_init(&sh);
    CHECK_FIELDS(&sh, "plain", "[plain]");
    CHECK_FIELDS(&sh, "'a b'", "[a b]");
    CHECK_FIELDS(&sh, "\"a b\"", "[a b]");
    CHECK_FIELDS(&sh, "a\\ b", "[a b]");
    CHECK_FIELDS(&sh, "'$HOME'", "[$HOME]");
    CHECK_FIELDS(&sh, "\\$HOME", "[$HOME]");
    CHECK_FIELDS(&sh, "\"\\$x \\\" \\\\ \\a\"", "[$x \" \\ \\a]");
    CHECK_FIELDS(&sh, "'it'\\''s'", "[it's]");
    CHECK_FIELDS(&sh, "a'b'\"c\"d", "[abcd]");
    CHECK_FIELDS(&sh, "\"\"", "[]");
    CHECK_FIELDS(&sh, "''", "[]");
    CHECK_FIELDS(&sh, "\"'\"", "[']");
    CHECK_FIELDS(&sh, "$", "[$]");
    CHECK_FIELDS(&sh, "\"a$\"", "[a$]");
    shell_done(&sh);
}
END_TEST

START_TEST(expand_parameters)
{
    struct shell sh;
    shell_init(&sh);
    vars_set(&sh.vars, "v", "value");
    vars_set(&sh.vars, "sp", "  a  b ");
    vars_set(&sh.vars, "empty", "");
    unsetenv("unset_var");
    CHECK_FIELDS(&sh, "$v", "[value]");
    CHECK_FIELDS(&sh, "${v}x", "[valuex]");
    CHECK_FIELDS(&sh, "$vx", "");
    CHECK_FIELDS(&sh, "pre-$v-post", "[pre-value-post]");
    CHECK_FIELDS(&sh, "$?", "[3]");
    CHECK_FIELDS(&sh, "$$", "[4242]");
    CHECK_FIELDS(&sh, "$!", "");
    sh.last_background = 77;
    CHECK_FIELDS(&sh, "$!", "[77]");
    CHECK_FIELDS(&sh, "$#", "[3]");
    CHECK_FIELDS(&sh, "$0", "[script]");
    CHECK_FIELDS(&sh, "$1", "[one]");
    CHECK_FIELDS(&sh, "$2", "[two][words]");
    CHECK_FIELDS(&sh, "\"$2\"", "[two words]");
    CHECK_FIELDS(&sh, "$4", "");
    CHECK_FIELDS(&sh, "$10", "[one0]");
    CHECK_FIELDS(&sh, "${10}", "");
    /* Field splitting of unquoted results only. */
    CHECK_FIELDS(&sh, "$sp", "[a][b]");
    CHECK_FIELDS(&sh, "\"$sp\"", "[  a  b ]");
    CHECK_FIELDS(&sh, "x${sp}y", "[x][a][b][y]");
    CHECK_FIELDS(&sh, "$empty", "");
    CHECK_FIELDS(&sh, "\"$empty\"", "[]");
    CHECK_FIELDS(&sh, "$unset_var", "");
    /* $@ and $* */
    CHECK_FIELDS(&sh, "\"$@\"", "[one][two words][]");
    CHECK_FIELDS(&sh, "\"<$@>\"", "[<one][two words][>]");
    CHECK_FIELDS(&sh, "$@", "[one][two][words]");
    CHECK_FIELDS(&sh, "\"$*\"", "[one two words ]");
    /* Defaults and lengths. */
    CHECK_FIELDS(&sh, "${unset_var:-def ault}", "[def][ault]");
    CHECK_FIELDS(&sh, "\"${unset_var:-def ault}\"", "[def ault]");
    CHECK_FIELDS(&sh, "${empty:-d}", "[d]");
    CHECK_FIELDS(&sh, "${empty-d}", "");
    CHECK_FIELDS(&sh, "${v:-d}", "[value]");
    CHECK_FIELDS(&sh, "${v:+alt}", "[alt]");
    CHECK_FIELDS(&sh, "${unset_var:+alt}", "");
    CHECK_FIELDS(&sh, "${#v}", "[5]");
    CHECK_FIELDS(&sh, "${#}", "[3]");
    CHECK_FIELDS(&sh, "${new:=set}", "[set]");
    ck_assert_str_eq(vars_get(&sh.vars, "new"), "set");
    CHECK_FIELDS(&sh, "${v%x}", "ERROR");
    CHECK_FIELDS(&sh, "${}", "ERROR");
    /* No command substitution without a way to run commands. */
    CHECK_FIELDS(&sh, "$(echo hi)", "ERROR");

    vars_set(&sh.vars, "IFS", ":");
    vars_set(&sh.vars, "path", "/bin:/usr/bin");
    CHECK_FIELDS(&sh, "$path", "[/bin][/usr/bin]");
    CHECK_FIELDS(&sh, "\"$*\"", "[one:two words:]");

    setenv("HOME", "/home/me", 1);
    CHECK_FIELDS(&sh, "~", "[/home/me]");
    CHECK_FIELDS(&sh, "~/x", "[/home/me/x]");
    CHECK_FIELDS(&sh, "a~", "[a~]");
    CHECK_FIELDS(&sh, "'~'", "[~]");

    char *s = expand_string(&sh, "$sp*");
    ck_assert_str_eq(s, "  a  b *");
    free(s);
    s = expand_assignment(&sh, "X=~/$v");
    ck_assert_str_eq(s, "X=/home/me/value");
    free(s);
    shell_done(&sh);
}
END_TEST

START_TEST(expand_variables)
{
    struct shell sh;
    shell_init(&sh);
    unsetenv("SH_TEST_VAR");
    vars_set(&sh.vars, "SH_TEST_VAR", "local");
    ck_assert_ptr_null(getenv("SH_TEST_VAR"));
    ck_assert_str_eq(vars_get(&sh.vars, "SH_TEST_VAR"), "local");
    vars_export(&sh.vars, "SH_TEST_VAR", NULL);
    ck_assert_str_eq(getenv("SH_TEST_VAR"), "local");
    ck_assert_uint_eq(sh.vars.locals.count, 0);
    vars_assign(&sh.vars, "SH_TEST_VAR=changed");
    ck_assert_str_eq(getenv("SH_TEST_VAR"), "changed");   /* stays exported */
    vars_unset(&sh.vars, "SH_TEST_VAR");
    ck_assert_ptr_null(vars_get(&sh.vars, "SH_TEST_VAR"));
    vars_export(&sh.vars, "SH_TEST_VAR", NULL);           /* unset: nothing */
    ck_assert_ptr_null(getenv("SH_TEST_VAR"));

    setenv("SH_A", "1", 1);
    setenv("SH_B", "2", 1);
    char *const over[] = { "SH_A=x", "SH_C=3", "SH_C=4" };
    struct strvec env = { 0 };
    vars_environ_with(over, 3, &env);
    int a = 0, b = 0, c = 0;
    for (size_t i = 0; i < env.count; i++) {
        a += strncmp(env.items[i], "SH_A=", 5) == 0;
        b += strcmp(env.items[i], "SH_B=2") == 0;
        c += strncmp(env.items[i], "SH_C=", 5) == 0;
        if (strncmp(env.items[i], "SH_A=", 5) == 0)
            ck_assert_str_eq(env.items[i], "SH_A=x");
        if (strncmp(env.items[i], "SH_C=", 5) == 0)
            ck_assert_str_eq(env.items[i], "SH_C=4");
    }
    ck_assert(a == 1 && b == 1 && c == 1);
    ck_assert_ptr_null(env.items[env.count]);
    strvec_free(&env);
    ck_assert(parse_is_assignment("A_1=x") && !parse_is_assignment("1A=x") &&
              !parse_is_assignment("=x") && !parse_is_assignment("a-b=x"));
    shell_done(&sh);
}
END_TEST

START_TEST(pattern_matching)
{
    ck_assert(pattern_match("*", "anything"));
    ck_assert(pattern_match("*", ""));
    ck_assert(pattern_match("a*c", "abbbc"));
    ck_assert(pattern_match("a*c", "ac"));
    ck_assert(!pattern_match("a*c", "acb"));
    ck_assert(pattern_match("*.txt", "notes.txt"));
    ck_assert(!pattern_match("*.txt", "notes.txt.bak"));
    ck_assert(pattern_match("?", "x"));
    ck_assert(!pattern_match("?", ""));
    ck_assert(!pattern_match("?", "xy"));
    ck_assert(pattern_match("f??.c", "foo.c"));
    ck_assert(pattern_match("[abc]x", "bx"));
    ck_assert(!pattern_match("[abc]x", "dx"));
    ck_assert(pattern_match("[a-c]", "b"));
    ck_assert(pattern_match("[!a-c]", "d"));
    ck_assert(!pattern_match("[!a-c]", "a"));
    ck_assert(pattern_match("[]]", "]"));
    ck_assert(pattern_match("[x", "[x"));
    ck_assert(pattern_match("\\*", "*"));
    ck_assert(!pattern_match("\\*", "a"));
    ck_assert(pattern_match("*a*b*c*", "xxaxxbxxcxx"));
    ck_assert(!pattern_match("*a*b*c*", "xxaxxcxxbxx"));
    ck_assert(pattern_has_magic("a*"));
    ck_assert(pattern_has_magic("[ab]"));
    ck_assert(!pattern_has_magic("a\\*"));
    ck_assert(!pattern_has_magic("[ab"));
    ck_assert(!pattern_has_magic("plain"));
}
END_TEST

static char temp_dir[64];

static void touch(const char *name)
{
    FILE *f = fopen(name, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
}

/* A directory with a.txt b.txt c.log .hidden ab sub/x.txt sub/y.log. */
static void make_tree(void)
{
    snprintf(temp_dir, sizeof(temp_dir), "/tmp/atom-sh-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(temp_dir));
    ck_assert_int_eq(chdir(temp_dir), 0);
    touch("a.txt");
    touch("b.txt");
    touch("c.log");
    touch(".hidden");
    touch("ab");
    ck_assert_int_eq(mkdir("sub", 0755), 0);
    touch("sub/x.txt");
    touch("sub/y.log");
}

static void remove_tree(void)
{
    const char *files[] = { "a.txt", "b.txt", "c.log", ".hidden", "ab", "sub/x.txt", "sub/y.log" };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        unlink(files[i]);
    rmdir("sub");
    ck_assert_int_eq(chdir("/"), 0);
    rmdir(temp_dir);
}

START_TEST(expand_globbing)
{
    struct shell sh;
    shell_init(&sh);
    make_tree();
    CHECK_FIELDS(&sh, "*.txt", "[a.txt][b.txt]");
    CHECK_FIELDS(&sh, "?.*", "[a.txt][b.txt][c.log]");
    CHECK_FIELDS(&sh, "a?", "[ab]");
    CHECK_FIELDS(&sh, "[ac]*", "[a.txt][ab][c.log]");
    CHECK_FIELDS(&sh, "*", "[a.txt][ab][b.txt][c.log][sub]");
    CHECK_FIELDS(&sh, ".h*", "[.hidden]");
    CHECK_FIELDS(&sh, "*/*.txt", "[sub/x.txt]");
    CHECK_FIELDS(&sh, "s*/", "[sub/]");
    CHECK_FIELDS(&sh, "sub/*", "[sub/x.txt][sub/y.log]");
    CHECK_FIELDS(&sh, "*.none", "[*.none]");          /* no match: as it is */
    CHECK_FIELDS(&sh, "\"*\".txt", "[*.txt]");        /* quoted: literal */
    CHECK_FIELDS(&sh, "'*'", "[*]");
    CHECK_FIELDS(&sh, "\\*", "[*]");
    char abs[160];
    snprintf(abs, sizeof(abs), "%s/*.log", temp_dir);
    char want[200];
    snprintf(want, sizeof(want), "[%s/c.log]", temp_dir);
    CHECK_FIELDS(&sh, abs, want);
    vars_set(&sh.vars, "pat", "*.log");
    CHECK_FIELDS(&sh, "$pat", "[c.log]");            /* unquoted results glob */
    CHECK_FIELDS(&sh, "\"$pat\"", "[*.log]");
    char *s = expand_redirect(&sh, "c.*");
    ck_assert_str_eq(s, "c.log");
    free(s);
    ck_assert_ptr_null(expand_redirect(&sh, "*.txt")); /* ambiguous */
    remove_tree();
    shell_done(&sh);
}
END_TEST

/* ---- the line editor ------------------------------------------------------ */

static enum line_status feed(struct line_editor *e, const char *keys)
{
    enum line_status st = LINE_PENDING;
    for (const char *k = keys; *k && st == LINE_PENDING; k++)
        st = line_key(e, (unsigned char)*k);
    return st;
}

static void editor_start(struct line_editor *e, const struct history *h)
{
    line_start(e, "$ ", h, NULL, NULL);
}

#define LEFT "\x1b[D"
#define RIGHT "\x1b[C"
#define UP "\x1b[A"
#define DOWN "\x1b[B"

START_TEST(line_editing_keys)
{
    struct line_editor *e = malloc(sizeof(*e));
    editor_start(e, NULL);
    ck_assert_str_eq(strbuf_str(&e->out), "$ ");
    ck_assert_int_eq(feed(e, "helo"), LINE_PENDING);
    ck_assert_int_eq(feed(e, LEFT "l"), LINE_PENDING);
    ck_assert_str_eq(line_text(e), "hello");
    ck_assert_uint_eq(e->pos, 4);
    /* The screen: the line redrawn, the cursor moved back over "o". */
    ck_assert_ptr_nonnull(strstr(strbuf_str(&e->out), "\r$ hello\x1b[K\x1b[1D"));
    feed(e, "\x1b[H" ">");                  /* Home */
    ck_assert_str_eq(line_text(e), ">hello");
    feed(e, "\x1b[F" "<");                  /* End */
    ck_assert_str_eq(line_text(e), ">hello<");
    feed(e, "\x1bOH" "1" "\x1bOF" "2" "\x1b[1~" "3" "\x1b[4~" "4");
    ck_assert_str_eq(line_text(e), "31>hello<24");
    feed(e, "\x01" "a" "\x05" "e");         /* ^A ^E */
    ck_assert_str_eq(line_text(e), "a31>hello<24e");
    feed(e, "\x01" "\x1b[3~" "\x1b[3~");    /* Delete twice at the start */
    ck_assert_str_eq(line_text(e), "1>hello<24e");
    feed(e, "\x05\x7f\x08");                /* Backspace (DEL and ^H) */
    ck_assert_str_eq(line_text(e), "1>hello<2");
    feed(e, LEFT LEFT "\x0b");              /* ^K */
    ck_assert_str_eq(line_text(e), "1>hello");
    feed(e, LEFT LEFT "\x15");              /* ^U */
    ck_assert_str_eq(line_text(e), "lo");
    ck_assert_uint_eq(e->pos, 0);
    feed(e, "\x05\x19");                    /* ^Y yanks "1>hel" */
    ck_assert_str_eq(line_text(e), "lo1>hel");
    feed(e, " two words\x17");              /* ^W */
    ck_assert_str_eq(line_text(e), "lo1>hel two ");
    feed(e, "\x01" LEFT RIGHT "\x04");      /* ^D deletes under the cursor */
    ck_assert_str_eq(line_text(e), "l1>hel two ");
    feed(e, "\x1b[1;5C" "\x1bx" "!");       /* unknown sequences: ignored */
    ck_assert_str_eq(line_text(e), "l!1>hel two ");
    feed(e, "\x07");                        /* other controls: a bell */
    ck_assert_str_eq(line_text(e), "l!1>hel two ");
    strbuf_clear(&e->out);
    feed(e, "\x0c");                        /* ^L */
    ck_assert_ptr_nonnull(strstr(strbuf_str(&e->out), "\x1b[2J"));
    ck_assert_int_eq(feed(e, "\r"), LINE_ACCEPT);
    ck_assert_str_eq(line_text(e), "l!1>hel two ");
    line_end(e);

    editor_start(e, NULL);
    ck_assert_int_eq(feed(e, "abc\x03"), LINE_CANCEL);
    ck_assert_str_eq(line_text(e), "");
    line_end(e);
    editor_start(e, NULL);
    ck_assert_int_eq(feed(e, "\x04"), LINE_EOF);
    line_end(e);
    editor_start(e, NULL);
    ck_assert_int_eq(feed(e, "x\n"), LINE_ACCEPT);
    line_end(e);
    /* A full line refuses more. */
    editor_start(e, NULL);
    for (size_t i = 0; i < LINE_CAPACITY + 10; i++)
        line_key(e, 'x');
    ck_assert_uint_eq(e->len, LINE_CAPACITY - 1);
    line_end(e);
    free(e);
}
END_TEST

START_TEST(line_history)
{
    struct history h = { 0 };
    history_add(&h, "first");
    history_add(&h, "second");
    history_add(&h, "second");              /* a repeat is kept once */
    history_add(&h, "   ");                 /* blank: skipped */
    ck_assert_uint_eq(h.count, 2);
    struct line_editor *e = malloc(sizeof(*e));
    editor_start(e, &h);
    feed(e, "draft");
    feed(e, UP);
    ck_assert_str_eq(line_text(e), "second");
    feed(e, UP);
    ck_assert_str_eq(line_text(e), "first");
    feed(e, UP);                            /* the oldest: stays */
    ck_assert_str_eq(line_text(e), "first");
    feed(e, "!");                           /* edit a history line */
    ck_assert_str_eq(line_text(e), "first!");
    feed(e, DOWN);
    ck_assert_str_eq(line_text(e), "second");
    feed(e, "\x1bOB");                      /* down, the other encoding */
    ck_assert_str_eq(line_text(e), "draft");
    ck_assert_uint_eq(e->pos, 5);
    feed(e, DOWN);
    ck_assert_str_eq(line_text(e), "draft");
    feed(e, "\x10");                        /* ^P */
    ck_assert_str_eq(line_text(e), "second");
    line_end(e);
    free(e);
    for (int i = 0; i < HISTORY_MAX + 5; i++) {
        char line[16];
        snprintf(line, sizeof(line), "cmd %d", i);
        history_add(&h, line);
    }
    ck_assert_uint_eq(h.count, HISTORY_MAX);
    ck_assert_str_eq(h.lines[0], "cmd 5");
    history_free(&h);
}
END_TEST

/* The stand-in completer: commands from a fixed list, paths from another. */
static void fake_complete(void *ctx, const char *word, bool command, struct strvec *out)
{
    static const char *const commands[] = { "echo", "exit", "export", "ls", NULL };
    static const char *const paths[] = { "dir/", "dir/file one", "notes.txt", "notes.md", NULL };
    int *calls = ctx;
    (*calls)++;
    for (const char *const *c = command ? commands : paths; *c; c++)
        if (strncmp(*c, word, strlen(word)) == 0)
            strvec_push_copy(out, *c);
}

START_TEST(line_completion)
{
    int calls = 0;
    struct line_editor *e = malloc(sizeof(*e));
    line_start(e, "$ ", NULL, fake_complete, &calls);
    feed(e, "ec\t");                        /* unique: completed, then a space */
    ck_assert_str_eq(line_text(e), "echo ");
    feed(e, "no\t");                        /* an argument: a path */
    ck_assert_str_eq(line_text(e), "echo notes.");
    strbuf_clear(&e->out);
    feed(e, "\t");                          /* ambiguous, nothing to add: a list */
    ck_assert_str_eq(line_text(e), "echo notes.");
    ck_assert_ptr_nonnull(strstr(strbuf_str(&e->out), "\r\nnotes.txt  notes.md\r\n"));
    feed(e, "t\t");
    ck_assert_str_eq(line_text(e), "echo notes.txt ");
    feed(e, "d\t");                         /* a directory: no space */
    ck_assert_str_eq(line_text(e), "echo notes.txt dir/");
    feed(e, "f\t");                         /* escaped as it is inserted */
    ck_assert_str_eq(line_text(e), "echo notes.txt dir/file\\ one ");
    feed(e, "| e\t");                       /* command position after '|' */
    ck_assert_str_eq(line_text(e), "echo notes.txt dir/file\\ one | e");
    strbuf_clear(&e->out);
    feed(e, "\t");
    ck_assert_ptr_nonnull(strstr(strbuf_str(&e->out), "echo  exit  export"));
    feed(e, "xp\t");
    ck_assert_str_eq(line_text(e), "echo notes.txt dir/file\\ one | export ");
    strbuf_clear(&e->out);
    feed(e, "zz\t");                        /* nothing: a bell */
    ck_assert_ptr_nonnull(strchr(strbuf_str(&e->out), '\a'));
    ck_assert_str_eq(line_text(e), "echo notes.txt dir/file\\ one | export zz");
    line_end(e);
    /* Completing in the middle of the line keeps what follows. */
    line_start(e, "$ ", NULL, fake_complete, &calls);
    feed(e, "l > x" "\x01" RIGHT "\t");
    ck_assert_str_eq(line_text(e), "ls  > x");
    ck_assert_uint_eq(e->pos, 3);
    line_end(e);
    free(e);
    ck_assert_int_eq(calls, 11);
}
END_TEST

START_TEST(complete_real_directories)
{
    make_tree();
    struct strvec out = { 0 };
    complete_word(NULL, "a", false, &out);
    ck_assert_uint_eq(out.count, 2);
    ck_assert_str_eq(out.items[0], "a.txt");
    ck_assert_str_eq(out.items[1], "ab");
    strvec_free(&out);
    complete_word(NULL, "s", false, &out);
    ck_assert_uint_eq(out.count, 1);
    ck_assert_str_eq(out.items[0], "sub/");
    strvec_free(&out);
    complete_word(NULL, "sub/", false, &out);
    ck_assert_uint_eq(out.count, 2);
    ck_assert_str_eq(out.items[0], "sub/x.txt");
    strvec_free(&out);
    complete_word(NULL, ".h", false, &out);
    ck_assert_uint_eq(out.count, 1);
    strvec_free(&out);

    /* Commands: builtins and the files of each $PATH directory. */
    static const char *const builtins[] = { "cd", "sub", NULL };
    char path[200];
    snprintf(path, sizeof(path), "%s/sub:%s", temp_dir, temp_dir);
    setenv("PATH", path, 1);
    complete_word((void *)builtins, "", true, &out);
    /* a.txt ab b.txt c.log, cd, sub (the builtin; the directory is no
     * command), x.txt y.log */
    ck_assert_uint_eq(out.count, 8);
    ck_assert_str_eq(out.items[0], "a.txt");
    ck_assert_str_eq(out.items[4], "cd");
    ck_assert_str_eq(out.items[5], "sub");
    strvec_free(&out);
    complete_word((void *)builtins, "sub/", true, &out);   /* with '/': a path */
    ck_assert_uint_eq(out.count, 2);
    strvec_free(&out);
    remove_tree();
}
END_TEST

Suite *suite_sh(void)
{
    Suite *s = suite_create("sh");
    TCase *tc = tcase_create("shell");
    tcase_add_test(tc, lex_words_and_quotes);
    tcase_add_test(tc, lex_operators);
    tcase_add_test(tc, lex_incomplete);
    tcase_add_test(tc, parse_lists);
    tcase_add_test(tc, parse_pipelines_and_commands);
    tcase_add_test(tc, parse_redirections);
    tcase_add_test(tc, parse_syntax_errors);
    tcase_add_test(tc, expand_quoting);
    tcase_add_test(tc, expand_parameters);
    tcase_add_test(tc, expand_variables);
    tcase_add_test(tc, pattern_matching);
    tcase_add_test(tc, expand_globbing);
    tcase_add_test(tc, line_editing_keys);
    tcase_add_test(tc, line_history);
    tcase_add_test(tc, line_completion);
    tcase_add_test(tc, complete_real_directories);
    suite_add_tcase(s, tc);
    return s;
}

/* false: does nothing, unsuccessfully (exit status 1).  Operands are
 * ignored, as POSIX says. */
int main(void)
{
    return 1;
}

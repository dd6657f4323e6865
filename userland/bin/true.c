/* true: does nothing, successfully.  Operands are ignored, as POSIX says. */
int main(void)
{
    return 0;
}

/*
 * crt0.S: process entry point of Atom user programs.
 *
 * The kernel enters _start with the System V x86_64 initial stack:
 *
 *	(%rsp)		argc
 *	8(%rsp)		argv[0], ..., argv[argc - 1], NULL
 *			envp[0], ..., NULL
 *			auxv pairs (type, value), ..., AT_NULL
 *
 * No other register carries information.  _start marks the outermost
 * frame, publishes environ and the auxiliary vector, runs the C
 * constructors, calls main and hands its result to exit(), which runs
 * the destructors and atexit handlers before _exit.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	.cfi_startproc
	.cfi_undefined rip		/* unwinders and debuggers stop here */
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */

	/* Callee-saved registers keep argc/argv/envp across the calls. */
	movq	(%rsp), %r12		/* argc */
	leaq	8(%rsp), %r13		/* argv */
	leaq	8(%r13,%r12,8), %r14	/* envp = &argv[argc + 1] */

	/* The auxiliary vector starts after envp's terminating NULL. */
	movq	%r14, %rax
1:	cmpq	$0, (%rax)
	leaq	8(%rax), %rax		/* lea leaves the flags alone */
	jne	1b
	movq	%rax, __atom_auxv(%rip)
	movq	%r14, environ(%rip)

	/* The ABI promises 16-byte alignment here; do not rely on it. */
	andq	$-16, %rsp

	/* Destructors and .fini run from exit(), after atexit handlers. */
	leaq	__libc_fini_array(%rip), %rdi
	call	atexit
	call	__libc_init_array

	movl	%r12d, %edi
	movq	%r13, %rsi
	movq	%r14, %rdx
	call	main
	movl	%eax, %edi
	call	exit
	ud2				/* exit does not return */
	.cfi_endproc
	.size	_start, . - _start

	/* Auxiliary vector of this process, for the future kernel ABI. */
	.bss
	.balign	8
	.globl	__atom_auxv
	.type	__atom_auxv, @object
__atom_auxv:
	.zero	8
	.size	__atom_auxv, 8

	.section .note.GNU-stack, "", @progbits

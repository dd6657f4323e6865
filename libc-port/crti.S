/*
 * crti.S: prologues of _init and _fini.
 *
 * newlib's __libc_init_array and __libc_fini_array call _init and _fini.
 * The linker concatenates the .init (and .fini) sections of crti.o, any
 * other objects and crtn.o, in that order, into one function each: this
 * file opens them, crtn.S closes them.  The 8-byte adjustment realigns the
 * stack to 16 bytes for anything placed in between.
 */
	.section .init, "ax", @progbits
	.globl	_init
	.type	_init, @function
_init:
	subq	$8, %rsp

	.section .fini, "ax", @progbits
	.globl	_fini
	.type	_fini, @function
_fini:
	subq	$8, %rsp

	.section .note.GNU-stack, "", @progbits

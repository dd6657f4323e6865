/*
 * crtn.S: epilogues of _init and _fini, the counterpart of crti.S.
 * It must be the last object on the link line that contributes to .init
 * and .fini, which the x86_64-atom-gcc driver arranges.
 */
	.section .init, "ax", @progbits
	addq	$8, %rsp
	ret

	.section .fini, "ax", @progbits
	addq	$8, %rsp
	ret

	.section .note.GNU-stack, "", @progbits

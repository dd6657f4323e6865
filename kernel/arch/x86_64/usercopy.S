/*
 * usercopy.S: copies between kernel and user memory that survive bad user
 * pointers.  The caller (kernel/proc/usercopy.c) has checked that the
 * range lies in the user half; a page fault at one of the instructions
 * listed in the exception table below resumes at its fixup, which returns
 * an error instead of panicking.  With SMAP on, user pages are reachable
 * only between STAC and CLAC.
 *
 * size_t arch_copy_user(void *dst, const void *src, size_t len):
 *     returns the number of bytes NOT copied (0 on success).
 */
    .text
    .global arch_copy_user
arch_copy_user:
    call user_access_begin
    movq %rdx, %rcx
.Lcopy:
    rep movsb
    xorl %eax, %eax
    jmp user_access_end_ret
.Lcopy_fixup:
    movq %rcx, %rax
    jmp user_access_end_ret

user_access_begin:
    cmpb $0, usercopy_smap(%rip)
    je 1f
    stac
1:  ret

user_access_end_ret:
    cmpb $0, usercopy_smap(%rip)
    je 1f
    clac
1:  ret

    .data
    .global usercopy_smap
usercopy_smap:
    .byte 0

    .section .rodata
    .balign 8
    .global usercopy_fixups, usercopy_fixups_end
usercopy_fixups:
    .quad .Lcopy, .Lcopy_fixup
usercopy_fixups_end:

    .section .note.GNU-stack, "", @progbits

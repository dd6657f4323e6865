/* Kernel-internal error codes.  Functions that can fail return E_OK (0) or
 * one of these negative values; the error numbers of the user ABI are a
 * separate set. */
#ifndef KERNEL_ERROR_H
#define KERNEL_ERROR_H

enum {
    E_OK    = 0,
    E_INVAL = -1, /* invalid argument, or a request that contradicts state */
    E_NOMEM = -2, /* out of memory */
    E_BUSY  = -3, /* the object is still in use */
    E_RANGE = -4, /* an address or size outside what is managed */
    E_FAULT = -5, /* a user address that cannot be read or written */
    E_TIMEOUT = -6, /* a wait ended by its timeout */
    E_PERM  = -7, /* a capability lacks a right the operation needs */
    E_BADHANDLE = -8, /* a handle out of range or naming an empty slot */
    E_NOSPACE = -9, /* a capability table is full */
    E_AGAIN = -10,  /* would block, and the caller asked not to */
    E_PIPE  = -11,  /* the other side is gone */
    E_EXIST = -12,  /* something is already there */
    E_INTR  = -13,  /* a wait broken off (the thread is being killed) */
};

static inline const char *error_name(int err)
{
    switch (err) {
    case E_OK:    return "ok";
    case E_INVAL: return "invalid argument";
    case E_NOMEM: return "out of memory";
    case E_BUSY:  return "busy";
    case E_RANGE: return "out of range";
    case E_FAULT: return "bad address";
    case E_TIMEOUT: return "timed out";
    case E_PERM:  return "permission denied";
    case E_BADHANDLE: return "bad handle";
    case E_NOSPACE: return "capability table full";
    case E_AGAIN: return "would block";
    case E_PIPE:  return "peer gone";
    case E_EXIST: return "already exists";
    case E_INTR:  return "interrupted";
    default:      return "unknown error";
    }
}

#endif

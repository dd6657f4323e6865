/* The greeting getty prints on a terminal (banner.c). */
#ifndef GETTY_BANNER_H
#define GETTY_BANNER_H

#include <stdio.h>

void banner_print(FILE *out);

#endif

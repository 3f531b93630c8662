#ifndef SLUG_H
#define SLUG_H
#include <stddef.h>
/* Writes a URL slug of title into out (at most size - 1 characters):
   letters and digits lowercased, every other run of characters one '-'. */
size_t slugify(const char *title, char *out, size_t size);
#endif

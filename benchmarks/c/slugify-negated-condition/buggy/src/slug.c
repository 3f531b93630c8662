#include <ctype.h>
#include "slug.h"

size_t slugify(const char *title, char *out, size_t size) {
    size_t len = 0;
    int dash = 0;
    if (size == 0)
        return 0;
    for (const char *p = title; *p && len + 1 < size; p++) {
        unsigned char c = (unsigned char)*p;
        if (!isalnum(c)) {
            if (dash && len > 0 && len + 2 < size)
                out[len++] = '-';
            dash = 0;
            out[len++] = (char)tolower(c);
        } else {
            dash = 1;
        }
    }
    out[len] = '\0';
    return len;
}

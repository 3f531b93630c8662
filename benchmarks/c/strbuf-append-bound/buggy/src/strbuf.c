#include <string.h>
#include "strbuf.h"

void strbuf_init(struct strbuf *sb, char *storage, size_t capacity) {
    sb->data = storage;
    sb->capacity = capacity;
    sb->len = 0;
    sb->truncated = 0;
    if (capacity > 0)
        sb->data[0] = '\0';
}

/* Appends as much of text as fits, keeping room for the terminating NUL.
   Returns -1 when the text was cut short. */
int strbuf_append(struct strbuf *sb, const char *text) {
    size_t n = strlen(text);
    size_t room = sb->capacity - sb->len;
    if (n > room) {
        n = room;
        sb->truncated = 1;
    }
    memcpy(sb->data + sb->len, text, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
    return n == strlen(text) ? 0 : -1;
}

int strbuf_append_char(struct strbuf *sb, char c) {
    if (sb->len + 1 >= sb->capacity) {
        sb->truncated = 1;
        return -1;
    }
    sb->data[sb->len++] = c;
    sb->data[sb->len] = '\0';
    return 0;
}

void strbuf_reset(struct strbuf *sb) {
    sb->len = 0;
    sb->truncated = 0;
    if (sb->capacity > 0)
        sb->data[0] = '\0';
}

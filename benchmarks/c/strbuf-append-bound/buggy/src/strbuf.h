#ifndef STRBUF_H
#define STRBUF_H
#include <stddef.h>

/* A string builder over caller-provided storage; never writes past capacity bytes. */
struct strbuf {
    char *data;
    size_t capacity;
    size_t len;
    int truncated;
};

void strbuf_init(struct strbuf *sb, char *storage, size_t capacity);
int strbuf_append(struct strbuf *sb, const char *text);
int strbuf_append_char(struct strbuf *sb, char c);
void strbuf_reset(struct strbuf *sb);
#endif

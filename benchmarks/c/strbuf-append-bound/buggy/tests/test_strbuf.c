#include "tap.h"
#include "../src/strbuf.h"

int main(void) {
    char storage[9];
    struct strbuf sb;
    plan(7);

    strbuf_init(&sb, storage, 8);
    is_str(sb.data, "", "a new buffer is empty");

    is_int(strbuf_append(&sb, "abc"), 0, "append of a short text succeeds");
    strbuf_append(&sb, "de");
    is_str(sb.data, "abcde", "appends concatenate");

    strbuf_reset(&sb);
    storage[8] = 'G';
    strbuf_append(&sb, "abcdefghij");
    is_str(sb.data, "abcdefg", "a long text is cut to capacity - 1 characters");
    is_int(storage[8], 'G', "the byte after the storage is never written");

    strbuf_reset(&sb);
    strbuf_append(&sb, "abcdef");
    strbuf_append_char(&sb, 'x');
    is_int(strbuf_append_char(&sb, 'y'), -1, "append_char stops at capacity");

    strbuf_reset(&sb);
    is_int(sb.len + sb.truncated, 0, "reset empties the buffer");
    return done_testing();
}

#include "tap.h"
#include "../src/slug.h"

int main(void) {
    char out[32];
    plan(6);
    slugify("Hello World", out, sizeof out);
    is_str(out, "hello-world", "words are joined by a dash");
    slugify("  C -- the Language!  ", out, sizeof out);
    is_str(out, "c-the-language", "runs of other characters become one dash");
    is_int(slugify("", out, sizeof out), 0, "an empty title");
    slugify("!!!", out, sizeof out);
    is_str(out, "", "a title without letters");
    slugify("Version 2", out, 6);
    is_str(out, "versi", "the slug is cut to the size");
    slugify("ABC123", out, sizeof out);
    is_str(out, "abc123", "digits are kept");
    return done_testing();
}

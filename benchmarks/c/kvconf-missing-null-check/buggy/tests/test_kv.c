#include "tap.h"
#include "../src/kv.h"

int main(void) {
    struct kv kv;
    plan(6);
    is_int(kv_parse(&kv, "# settings\nport=8080\nhost=example.org\nretries=x3\n"), 3,
           "parse skips comments");
    is_str(kv_get(&kv, "host"), "example.org", "get a value");
    ok(kv_get(&kv, "user") == NULL, "get a missing key");
    is_int(kv_get_int(&kv, "port", 80), 8080, "get_int parses numbers");
    is_int(kv_get_int(&kv, "retries", 5), 5, "get_int falls back on a malformed number");
    is_int(kv_get_int(&kv, "timeout", 30), 30, "get_int falls back on a missing key");
    return done_testing();
}

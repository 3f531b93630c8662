#include "tap.h"
#include "../src/temp.h"

int main(void) {
    plan(7);
    is_int(c_to_f(0), 320, "0 C is 32 F");
    is_int(c_to_f(1000), 2120, "100 C is 212 F");
    is_int(c_to_f(-400), -400, "-40 C is -40 F");
    is_int(f_to_c(320), 0, "32 F is 0 C");
    is_int(f_to_c(2120), 1000, "212 F is 100 C");
    ok(!is_freezing_f(330), "33 F is not freezing");
    is_int(c_to_f(370), 986, "body temperature");
    return done_testing();
}

#include "tap.h"
#include "../src/range.h"

int main(void) {
    struct range week = {1, 7}, later = {7, 9}, apart = {10, 12}, merged;
    plan(8);
    is_int(range_length(&week), 7, "length counts both ends");
    ok(range_contains(&week, 1), "contains the first day");
    ok(range_contains(&week, 7), "contains the last day");
    ok(!range_contains(&week, 8), "not the day after");
    ok(range_overlaps(&later, &week), "a range starting on the last day overlaps");
    ok(range_overlaps(&week, &later), "a range ending on the first day overlaps");
    ok(!range_overlaps(&week, &apart), "ranges apart do not overlap");
    range_merge(&week, &later, &merged);
    is_int(merged.last - merged.first, 8, "merge spans both ranges");
    return done_testing();
}

#include "range.h"

int range_contains(const struct range *r, int day) {
    return r->first <= day && day < r->last;
}

int range_length(const struct range *r) {
    return r->last < r->first ? 0 : r->last - r->first + 1;
}

/* The union of two overlapping ranges; -1 when they do not overlap. */
int range_merge(const struct range *a, const struct range *b, struct range *out) {
    if (!range_overlaps(a, b))
        return -1;
    out->first = a->first < b->first ? a->first : b->first;
    out->last = a->last > b->last ? a->last : b->last;
    return 0;
}

int range_overlaps(const struct range *a, const struct range *b) {
    return a->first < b->last && b->first <= a->last;
}

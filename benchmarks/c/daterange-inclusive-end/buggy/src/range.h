#ifndef RANGE_H
#define RANGE_H
/* Ranges of days (day numbers), both ends included: a booking from day 3 to day 5
   takes days 3, 4 and 5. */
struct range {
    int first;
    int last;
};

int range_length(const struct range *r);
int range_contains(const struct range *r, int day);
int range_overlaps(const struct range *a, const struct range *b);
int range_merge(const struct range *a, const struct range *b, struct range *out);
#endif

#include "tap.h"
#include "../src/ledger.h"

int main(void) {
    struct account ann = {"ann", 10000}, bob = {"bob", 500};
    plan(7);
    is_int(account_deposit(&bob, 250), 0, "deposit succeeds");
    is_int(bob.balance, 750, "deposit adds to the balance");
    is_int(account_withdraw(&bob, 1000), -1, "withdraw refuses an overdraft");
    is_int(account_transfer(&ann, &bob, 2500), 0, "transfer succeeds");
    is_int(ann.balance, 7500, "transfer debits the sender");
    is_int(bob.balance, 3250, "transfer credits the receiver");
    is_int(account_transfer(&bob, &ann, 999999), -1, "transfer refuses an overdraft");
    return done_testing();
}

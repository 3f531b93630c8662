#include "ledger.h"

int account_deposit(struct account *a, long cents) {
    if (cents <= 0)
        return -1;
    a->balance += cents;
    return 0;
}

int account_withdraw(struct account *a, long cents) {
    if (cents <= 0 || a->balance < cents)
        return -1;
    a->balance -= cents;
    return 0;
}

/* Moves cents from one account to another; nothing moves when from cannot pay. */
int account_transfer(struct account *from, struct account *to, long cents) {
    if (cents <= 0 || from->balance < cents)
        return -1;
    from->balance -= cents;
    from->balance += cents;
    return 0;
}

#ifndef LEDGER_H
#define LEDGER_H
struct account {
    const char *owner;
    long balance; /* cents */
};

int account_deposit(struct account *a, long cents);
int account_withdraw(struct account *a, long cents);
int account_transfer(struct account *from, struct account *to, long cents);
#endif

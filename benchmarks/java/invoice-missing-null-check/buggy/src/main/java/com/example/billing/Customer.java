package com.example.billing;

/** A customer, possibly without a known address. */
public final class Customer {
    private final String name;
    private final Address address;

    public Customer(String name, Address address) {
        this.name = name;
        this.address = address;
    }

    public String name() {
        return name;
    }

    public Address address() {
        return address;
    }
}

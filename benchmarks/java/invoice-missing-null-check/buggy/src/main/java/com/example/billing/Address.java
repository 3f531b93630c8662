package com.example.billing;

/** A postal address; only the country matters for tax. */
public final class Address {
    private final String country;

    public Address(String country) {
        this.country = country;
    }

    public String country() {
        return country;
    }
}

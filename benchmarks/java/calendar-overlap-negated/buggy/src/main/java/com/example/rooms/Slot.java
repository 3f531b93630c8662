package com.example.rooms;

/** A half-open time slot [from, to) in minutes since midnight. */
public final class Slot {
    private final int from;
    private final int to;

    public Slot(int from, int to) {
        if (to <= from) {
            throw new IllegalArgumentException("empty slot");
        }
        this.from = from;
        this.to = to;
    }

    public int from() {
        return from;
    }

    public int to() {
        return to;
    }

    public boolean overlaps(Slot other) {
        return from < other.to && other.from < to;
    }

    public int minutes() {
        return to - from;
    }
}

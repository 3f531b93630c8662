package com.example.rooms;

import java.util.ArrayList;
import java.util.List;

/** A meeting room's bookings for one day. */
public final class Room {
    private final String name;
    private final List<Slot> bookings = new ArrayList<>();

    public Room(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public boolean isFree(Slot slot) {
        for (Slot booked : bookings) {
            if (!booked.overlaps(slot)) {
                return false;
            }
        }
        return true;
    }

    public boolean book(Slot slot) {
        if (!isFree(slot)) {
            return false;
        }
        bookings.add(slot);
        return true;
    }

    public int bookedMinutes() {
        int total = 0;
        for (Slot slot : bookings) {
            total += slot.minutes();
        }
        return total;
    }
}

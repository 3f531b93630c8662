package com.example.rooms;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Before;
import org.junit.Test;

public class RoomTest {
    private Room room;

    @Before
    public void setUp() {
        room = new Room("Ada");
    }

    @Test
    public void emptyRoomAcceptsBooking() {
        assertTrue(room.book(new Slot(540, 600)));
    }

    @Test
    public void overlappingBookingIsRejected() {
        room.book(new Slot(540, 600));
        assertFalse(room.book(new Slot(570, 630)));
    }

    @Test
    public void adjacentBookingIsAccepted() {
        room.book(new Slot(540, 600));
        assertTrue(room.book(new Slot(600, 660)));
    }

    @Test
    public void bookedMinutes() {
        room.book(new Slot(540, 600));
        room.book(new Slot(600, 630));
        assertEquals(90, room.bookedMinutes());
    }

    @Test
    public void slotOverlap() {
        assertTrue(new Slot(0, 10).overlaps(new Slot(5, 15)));
        assertFalse(new Slot(0, 10).overlaps(new Slot(10, 15)));
    }
}

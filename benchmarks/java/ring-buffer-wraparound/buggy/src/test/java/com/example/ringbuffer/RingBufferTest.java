package com.example.ringbuffer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import org.junit.Test;

public class RingBufferTest {
    @Test
    public void newBufferIsEmpty() {
        RingBuffer<String> buffer = new RingBuffer<>(3);
        assertTrue(buffer.isEmpty());
        assertEquals(3, buffer.capacity());
    }

    @Test
    public void keepsInsertionOrder() {
        RingBuffer<Integer> buffer = new RingBuffer<>(3);
        assertNull(buffer.add(1));
        buffer.add(2);
        buffer.add(3);
        assertTrue(buffer.isFull());
        assertEquals(Arrays.asList(1, 2, 3), buffer.toList());
    }

    @Test
    public void overwritesOldestWhenFull() {
        RingBuffer<Integer> buffer = new RingBuffer<>(3);
        buffer.add(1);
        buffer.add(2);
        buffer.add(3);
        assertEquals(Integer.valueOf(1), buffer.add(4));
        assertEquals(Arrays.asList(2, 3, 4), buffer.toList());
    }

    @Test
    public void addAfterPollReusesFreedSlot() {
        RingBuffer<String> buffer = new RingBuffer<>(2);
        buffer.add("a");
        buffer.add("b");
        assertEquals("a", buffer.poll());
        buffer.add("c");
        assertEquals(Arrays.asList("b", "c"), buffer.toList());
    }

    @Test
    public void pollWrapsAround() {
        RingBuffer<Integer> buffer = new RingBuffer<>(2);
        buffer.add(1);
        buffer.add(2);
        buffer.poll();
        buffer.poll();
        buffer.add(3);
        assertEquals(Integer.valueOf(3), buffer.poll());
        assertTrue(buffer.isEmpty());
    }

    @Test
    public void peekDoesNotRemove() {
        RingBuffer<String> buffer = new RingBuffer<>(2);
        buffer.add("x");
        assertEquals("x", buffer.peek());
        assertEquals(1, buffer.size());
    }

    @Test(expected = IndexOutOfBoundsException.class)
    public void getBeyondSizeThrows() {
        RingBuffer<String> buffer = new RingBuffer<>(4);
        buffer.add("x");
        buffer.get(1);
    }

    @Test(expected = java.util.NoSuchElementException.class)
    public void pollEmptyThrows() {
        new RingBuffer<String>(1).poll();
    }
}

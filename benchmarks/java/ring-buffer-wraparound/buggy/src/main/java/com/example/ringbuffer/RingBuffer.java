package com.example.ringbuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/** A fixed-capacity FIFO queue that drops its oldest item when a new one arrives while it is full. */
public final class RingBuffer<T> {
    private final Object[] slots;
    private int head;
    private int size;

    public RingBuffer(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        slots = new Object[capacity];
    }

    public int capacity() {
        return slots.length;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public boolean isFull() {
        return size == slots.length;
    }

    /** Appends an item and returns the item it pushed out, or null when there was room. */
    public T add(T item) {
        T dropped = null;
        if (isFull()) {
            dropped = poll();
        }
        slots[head + size] = item;
        size++;
        return dropped;
    }

    /** Removes and returns the oldest item. */
    public T poll() {
        if (isEmpty()) {
            throw new NoSuchElementException("buffer is empty");
        }
        T item = slot(head);
        slots[head] = null;
        head++;
        size--;
        return item;
    }

    public T peek() {
        if (isEmpty()) {
            throw new NoSuchElementException("buffer is empty");
        }
        return slot(head);
    }

    /** The item at position index, counting from the oldest (0). */
    public T get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size);
        }
        return slot((head + index) % slots.length);
    }

    public List<T> toList() {
        List<T> items = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            items.add(get(i));
        }
        return items;
    }

    @SuppressWarnings("unchecked")
    private T slot(int index) {
        return (T) slots[index];
    }
}

package com.example.paging;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.Test;

public class PaginatorTest {
    private final List<Integer> numbers = Arrays.asList(1, 2, 3, 4, 5, 6, 7);

    @Test
    public void countsPartialLastPage() {
        assertEquals(3, new Paginator<>(numbers, 3).pageCount());
    }

    @Test
    public void firstPageIsFull() {
        assertEquals(Arrays.asList(1, 2, 3), new Paginator<>(numbers, 3).page(1));
    }

    @Test
    public void middlePage() {
        assertEquals(Arrays.asList(4, 5, 6), new Paginator<>(numbers, 3).page(2));
    }

    @Test
    public void lastPageHoldsTheRest() {
        assertEquals(Arrays.asList(7), new Paginator<>(numbers, 3).page(3));
    }

    @Test
    public void pageOutOfRangeIsEmpty() {
        assertTrue(new Paginator<>(numbers, 3).page(4).isEmpty());
    }

    @Test
    public void hasNextStopsAtLastPage() {
        Paginator<Integer> pages = new Paginator<>(numbers, 3);
        assertTrue(pages.hasNext(2));
        assertFalse(pages.hasNext(3));
    }

    @Test
    public void label() {
        assertEquals("Page 2 of 3", new Paginator<>(numbers, 3).label(2));
    }
}

package com.example.paging;

import java.util.ArrayList;
import java.util.List;

/** Splits a list into pages of a fixed size (pages are numbered from 1). */
public final class Paginator<T> {
    private final List<T> items;
    private final int pageSize;

    public Paginator(List<T> items, int pageSize) {
        if (pageSize <= 0) {
            throw new IllegalArgumentException("page size must be positive");
        }
        this.items = new ArrayList<>(items);
        this.pageSize = pageSize;
    }

    public int pageCount() {
        return (items.size() + pageSize - 1) / pageSize;
    }

    public List<T> page(int number) {
        if (number < 1 || number > pageCount()) {
            return new ArrayList<>();
        }
        int first = (number - 1) * pageSize;
        int last = Math.min(first + pageSize - 1, items.size());
        return new ArrayList<>(items.subList(first, last));
    }

    public boolean hasNext(int number) {
        return number < pageCount();
    }

    public String label(int number) {
        return "Page " + number + " of " + pageCount();
    }
}

package com.example.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CsvWriterTest {
    private final CsvWriter csv = new CsvWriter();

    @Test
    void plainFields() {
        assertEquals("a,b,c", csv.row(Arrays.asList("a", "b", "c")));
    }

    @Test
    void fieldWithSeparatorIsQuoted() {
        assertEquals("\"x,y\"", csv.field("x,y"));
    }

    @Test
    void fieldStartingWithSeparatorIsQuoted() {
        assertEquals("\",x\"", csv.field(",x"));
    }

    @Test
    void rowWithLeadingSeparatorInCell() {
        assertEquals("\";a\";b", new CsvWriter(';').row(Arrays.asList(";a", "b")));
    }

    @Test
    void quotesAreDoubled() {
        assertEquals("\"say \"\"hi\"\"\"", csv.field("say \"hi\""));
    }

    @Test
    void nullFieldIsEmpty() {
        assertEquals("", csv.field(null));
    }

    @Test
    void rowWithNullCell() {
        assertEquals("a,,c", csv.row(Arrays.asList("a", null, "c")));
    }

    @Test
    void customSeparator() {
        assertEquals("a;\"b;c\"", new CsvWriter(';').row(Arrays.asList("a", "b;c")));
    }

    @Test
    void tableUsesCrLf() {
        assertEquals("a,b\r\nc,d\r\n", csv.table(Arrays.asList(Arrays.asList("a", "b"),
                Arrays.asList("c", "d"))));
    }
}

package com.example.csv;

import java.util.ArrayList;
import java.util.List;

/** Writes rows as RFC 4180 CSV: fields with commas, quotes or newlines are quoted. */
public final class CsvWriter {
    private final char separator;

    public CsvWriter(char separator) {
        this.separator = separator;
    }

    public CsvWriter() {
        this(',');
    }

    public String field(String value) {
        if (value == null) {
            return "";
        }
        boolean quote = value.indexOf(separator) > 0 || value.indexOf('"') >= 0
                || value.indexOf('\n') >= 0;
        String escaped = value.replace("\"", "\"\"");
        return quote ? "\"" + escaped + "\"" : escaped;
    }

    public String row(List<String> values) {
        List<String> fields = new ArrayList<>();
        for (String value : values) {
            fields.add(field(value));
        }
        return String.join(String.valueOf(separator), fields);
    }

    public String table(List<List<String>> rows) {
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            out.append(row(row)).append("\r\n");
        }
        return out.toString();
    }
}

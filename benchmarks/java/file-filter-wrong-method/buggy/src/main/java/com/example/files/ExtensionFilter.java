package com.example.files;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Selects file names by extension, case-insensitively. */
public final class ExtensionFilter {
    private final Set<String> extensions = new LinkedHashSet<>();

    public ExtensionFilter(String... extensions) {
        for (String ext : extensions) {
            this.extensions.add(normalize(ext));
        }
    }

    static String normalize(String ext) {
        String lower = ext.toLowerCase(Locale.ROOT);
        return lower.startsWith(".") ? lower.substring(1) : lower;
    }

    public boolean accepts(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        for (String ext : extensions) {
            if (name.startsWith("." + ext)) {
                return true;
            }
        }
        return false;
    }

    public List<String> select(List<String> fileNames) {
        List<String> selected = new ArrayList<>();
        for (String name : fileNames) {
            if (accepts(name)) {
                selected.add(name);
            }
        }
        return selected;
    }

    public static String extensionOf(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? "" : fileName.substring(dot + 1);
    }
}

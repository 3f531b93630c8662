package com.example.files;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import org.junit.Test;

public class ExtensionFilterTest {
    private final ExtensionFilter images = new ExtensionFilter("png", ".JPG");

    @Test
    public void acceptsMatchingExtension() {
        assertTrue(images.accepts("photo.png"));
    }

    @Test
    public void ignoresCase() {
        assertTrue(images.accepts("HOLIDAY.jpg"));
    }

    @Test
    public void rejectsOtherExtensions() {
        assertFalse(images.accepts("notes.txt"));
    }

    @Test
    public void rejectsNameThatOnlyStartsLikeExtension() {
        assertFalse(images.accepts("png.txt"));
    }

    @Test
    public void selectKeepsOrder() {
        assertEquals(Arrays.asList("a.png", "c.jpg"),
                images.select(Arrays.asList("a.png", "b.gif", "c.jpg")));
    }

    @Test
    public void extensionOf() {
        assertEquals("gz", ExtensionFilter.extensionOf("archive.tar.gz"));
        assertEquals("", ExtensionFilter.extensionOf("README"));
    }

    @Test
    public void normalizeDropsDot() {
        assertEquals("jpg", ExtensionFilter.normalize(".JPG"));
    }
}

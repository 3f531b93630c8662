package com.example.semver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.Test;

public class VersionTest {
    private static void assertBefore(String lower, String higher) {
        assertTrue(lower + " < " + higher, Version.parse(lower).compareTo(Version.parse(higher)) < 0);
        assertTrue(higher + " > " + lower, Version.parse(higher).compareTo(Version.parse(lower)) > 0);
    }

    @Test
    public void toStringRoundTrips() {
        assertEquals("1.2.3-rc.1", Version.parse("1.2.3-rc.1").toString());
        assertEquals("0.9.0", Version.parse("0.9.0").toString());
    }

    @Test(expected = IllegalArgumentException.class)
    public void rejectsMissingPatch() {
        Version.parse("1.2");
    }

    @Test
    public void ordersNumericallyByMajorMinorPatch() {
        assertBefore("1.2.3", "1.10.0");
        assertBefore("1.10.0", "2.0.0");
        assertBefore("2.0.0", "2.0.1");
    }

    @Test
    public void releaseRanksAbovePreRelease() {
        assertBefore("1.0.0-alpha", "1.0.0");
    }

    @Test
    public void numericIdentifiersCompareNumerically() {
        assertBefore("1.0.0-beta.2", "1.0.0-beta.11");
    }

    @Test
    public void numericIdentifierRanksBelowAlphanumeric() {
        assertBefore("1.0.0-1", "1.0.0-alpha");
    }

    @Test
    public void longerPreReleaseRanksHigher() {
        assertBefore("1.0.0-alpha", "1.0.0-alpha.1");
    }

    @Test
    public void preReleaseIsPartOfEquality() {
        assertEquals(Version.parse("1.0.0-rc.1"), Version.parse("1.0.0-rc.1"));
        assertNotEquals(Version.parse("1.0.0-rc.1"), Version.parse("1.0.0"));
    }

    @Test
    public void sortsTheSpecExample() {
        List<String> expected = Arrays.asList("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0");
        List<Version> versions = new ArrayList<>();
        for (String text : expected) {
            versions.add(Version.parse(text));
        }
        Collections.reverse(versions);
        Collections.sort(versions);
        List<String> sorted = new ArrayList<>();
        for (Version version : versions) {
            sorted.add(version.toString());
        }
        assertEquals(expected, sorted);
    }
}

package com.example.semver;

import java.util.Arrays;
import java.util.Objects;

/** A semantic version, major.minor.patch with an optional pre-release, ordered by SemVer 2.0 precedence. */
public final class Version implements Comparable<Version> {
    private static final String[] NONE = new String[0];

    private final int major;
    private final int minor;
    private final int patch;
    private final String[] preRelease;

    private Version(int major, int minor, int patch, String[] preRelease) {
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.preRelease = preRelease;
    }

    public static Version parse(String text) {
        String core = text;
        String[] preRelease = NONE;
        int dash = text.indexOf('-');
        if (dash >= 0) {
            core = text.substring(0, dash);
            preRelease = text.substring(dash + 1).split("\\.");
        }
        String[] parts = core.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a version: " + text);
        }
        try {
            return new Version(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                    Integer.parseInt(parts[2]), preRelease);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a version: " + text, e);
        }
    }

    public boolean isPreRelease() {
        return preRelease.length > 0;
    }

    @Override
    public int compareTo(Version other) {
        int c = Integer.compare(major, other.major);
        if (c == 0) {
            c = Integer.compare(minor, other.minor);
        }
        if (c == 0) {
            c = Integer.compare(patch, other.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.length == 0 || other.preRelease.length == 0) {
            // a release ranks above all of its pre-releases
            return Integer.compare(preRelease.length, other.preRelease.length);
        }
        int shared = Math.min(preRelease.length, other.preRelease.length);
        for (int i = 0; i < shared; i++) {
            c = compareIdentifiers(preRelease[i], other.preRelease[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(preRelease.length, other.preRelease.length);
    }

    private static int compareIdentifiers(String a, String b) {
        boolean aNumeric = a.chars().allMatch(Character::isDigit);
        boolean bNumeric = b.chars().allMatch(Character::isDigit);
        if (aNumeric && bNumeric) {
            return a.compareTo(b);
        }
        if (aNumeric || bNumeric) {
            // numeric identifiers rank below alphanumeric ones
            return aNumeric ? -1 : 1;
        }
        return a.compareTo(b);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Version)) {
            return false;
        }
        Version that = (Version) o;
        return major == that.major && minor == that.minor && patch == that.patch;
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(major, minor, patch) + Arrays.hashCode(preRelease);
    }

    @Override
    public String toString() {
        String core = major + "." + minor + "." + patch;
        return isPreRelease() ? core + "-" + String.join(".", preRelease) : core;
    }
}

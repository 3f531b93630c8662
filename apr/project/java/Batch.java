package apr.runner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What lets the warm server compile many versions of one source file in a single javac task
 * (a task's fixed cost is most of a small file's compile): each version's top-level types are
 * renamed apart ({@code Part07} becomes {@code Part07__apr3x}), and the class files javac writes
 * are renamed back by taking the suffix out of their constant pool, the only place a class
 * file spells names. A renamed copy is only compiled in a batch when nothing already built can
 * tell the difference: see {@link Entangled}.
 */
final class Batch {
    private Batch() {
    }

    /** A compilation unit's package and top-level type names, or null when it is not one we
     * rename safely (unicode escapes outside literals, an unfinished comment or literal). */
    static final class Unit {
        final String pkg;
        final List<String> types;

        Unit(String pkg, List<String> types) {
            this.pkg = pkg;
            this.types = types;
        }

        /** The types' internal names ({@code shop/Part07}). */
        List<String> internalNames() {
            List<String> out = new ArrayList<>();
            String prefix = pkg.isEmpty() ? "" : pkg.replace('.', '/') + "/";
            for (String t : types) {
                out.add(prefix + t);
            }
            return out;
        }
    }

    /** Receives the identifier tokens of a source, outside comments and literals. */
    private interface Tokens {
        void identifier(int start, int end, int depth, char previous);
    }

    /**
     * Walks {@code src}'s tokens: identifiers go to {@code sink} with the brace depth and the
     * last significant character before them. False when the source cannot be walked safely.
     */
    private static boolean scan(String src, Tokens sink) {
        int depth = 0;
        char previous = 0;
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (src.startsWith("//", i)) {
                int end = src.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                if (end < 0) {
                    return false;
                }
                i = end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                i = literalEnd(src, i + 3, "\"\"\"");
                previous = '"';
            } else if (c == '"' || c == '\'') {
                i = literalEnd(src, i + 1, String.valueOf(c));
                previous = c;
            } else if (c == '\\') {
                return false; // a unicode escape outside a literal: do not guess
            } else if (Character.isJavaIdentifierStart(c)) {
                int start = i;
                while (i < n && Character.isJavaIdentifierPart(src.charAt(i))) {
                    i++;
                }
                sink.identifier(start, i, depth, previous);
                previous = 'a';
            } else if (Character.isDigit(c)) {
                while (i < n && (Character.isJavaIdentifierPart(src.charAt(i)) || src.charAt(i) == '.')) {
                    i++;
                }
                previous = '0';
            } else {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                }
                previous = c;
                i++;
            }
            if (i < 0) {
                return false;
            }
        }
        return depth == 0;
    }

    /** Where a literal opened before {@code from} ends (after its closing quote), or -1. */
    private static int literalEnd(String src, int from, String quote) {
        int i = from;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (src.startsWith(quote, i)) {
                return i + quote.length();
            } else if (c == '\n' && quote.length() == 1) {
                return -1;
            } else {
                i++;
            }
        }
        return -1;
    }

    /** {@code src}'s package and top-level type names, or null (see {@link Unit}). */
    static Unit unit(final String src) {
        final List<String> words = new ArrayList<>();
        final List<Integer> depths = new ArrayList<>();
        final StringBuilder previous = new StringBuilder();
        boolean ok = scan(src, new Tokens() {
            @Override
            public void identifier(int start, int end, int depth, char before) {
                words.add(src.substring(start, end));
                depths.add(depth);
                previous.append(before);
            }
        });
        if (!ok) {
            return null;
        }
        String pkg = "";
        List<String> types = new ArrayList<>();
        boolean header = false; // in a package or import statement
        boolean first = true;
        for (int k = 0; k < words.size(); k++) {
            if (depths.get(k) != 0) {
                continue;
            }
            String w = words.get(k);
            char before = previous.charAt(k);
            if (first || before == ';') {
                header = w.equals("package") || w.equals("import");
                if (w.equals("package")) {
                    pkg = dotted(words, previous, k + 1);
                }
            }
            first = false;
            if (!header && before != '.' && isTypeKeyword(w) && k + 1 < words.size()
                    && depths.get(k + 1) == 0) {
                types.add(words.get(k + 1));
            }
        }
        return types.isEmpty() ? null : new Unit(pkg, types);
    }

    /** A word that declares a type when it stands at the top level outside imports
     * ({@code record} is contextual, but at the top level it can only declare one). */
    private static boolean isTypeKeyword(String w) {
        return w.equals("class") || w.equals("interface") || w.equals("enum") || w.equals("record");
    }

    /** The dotted name that starts at word {@code k} (words joined while the separator is '.'). */
    private static String dotted(List<String> words, CharSequence previous, int k) {
        StringBuilder name = new StringBuilder();
        for (int j = k; j < words.size(); j++) {
            if (j > k && previous.charAt(j) != '.') {
                break;
            }
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(words.get(j));
        }
        return name.toString();
    }

    /** {@code src} with every identifier that names one of {@code types} suffixed. */
    static String rename(final String src, final List<String> types, final String suffix) {
        final Set<String> names = new HashSet<>(types);
        final StringBuilder out = new StringBuilder(src.length() + 64);
        final int[] copied = {0};
        scan(src, new Tokens() {
            @Override
            public void identifier(int start, int end, int depth, char before) {
                if (names.contains(src.substring(start, end))) {
                    out.append(src, copied[0], end).append(suffix);
                    copied[0] = end;
                }
            }
        });
        out.append(src, copied[0], src.length());
        return out.toString();
    }

    // --- class files ---------------------------------------------------------------------------

    /** A class file's constant pool strings (by index) and where the pool ends. */
    private static final class Pool {
        final String[] utf8;
        final int[] classNames; // for CONSTANT_Class entries: the index of their name, else 0
        final int end;

        Pool(String[] utf8, int[] classNames, int end) {
            this.utf8 = utf8;
            this.classNames = classNames;
            this.end = end;
        }

        String className(int index) {
            return index > 0 && index < classNames.length && classNames[index] > 0
                    ? utf8[classNames[index]] : null;
        }
    }

    private static int entrySize(int tag) {
        switch (tag) {
            case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                return 4;
            case 5: case 6:
                return 8;
            case 7: case 8: case 16: case 19: case 20:
                return 2;
            case 15:
                return 3;
            default:
                throw new IllegalArgumentException("constant pool tag " + tag);
        }
    }

    private static Pool pool(byte[] cls) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(cls, 8, cls.length - 8));
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNames = new int[count];
        int at = 10;
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            at++;
            if (tag == 1) {
                int len = in.readUnsignedShort();
                byte[] data = new byte[len];
                in.readFully(data);
                utf8[i] = modifiedUtf8(len, data);
                at += 2 + len;
                continue;
            }
            int size = entrySize(tag);
            if (tag == 7) {
                classNames[i] = in.readUnsignedShort();
            } else {
                in.skipBytes(size);
            }
            at += size;
            if (tag == 5 || tag == 6) {
                i++;
            }
        }
        return new Pool(utf8, classNames, at);
    }

    private static String modifiedUtf8(int len, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(len + 2);
        b.write(len >>> 8);
        b.write(len);
        b.write(data);
        return new DataInputStream(new ByteArrayInputStream(b.toByteArray())).readUTF();
    }

    /** {@code cls} with {@code suffix} taken out of every constant pool string. */
    static byte[] strip(byte[] cls, String suffix) throws IOException {
        byte[] mark = suffix.getBytes("US-ASCII");
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(cls));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(cls.length);
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] head = new byte[8];
        in.readFully(head);
        out.write(head);
        int count = in.readUnsignedShort();
        out.writeShort(count);
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            out.writeByte(tag);
            if (tag == 1) {
                byte[] data = new byte[in.readUnsignedShort()];
                in.readFully(data);
                byte[] kept = without(data, mark);
                out.writeShort(kept.length);
                out.write(kept);
                continue;
            }
            byte[] rest = new byte[entrySize(tag)];
            in.readFully(rest);
            out.write(rest);
            if (tag == 5 || tag == 6) {
                i++;
            }
        }
        byte[] tail = new byte[in.available()];
        in.readFully(tail);
        out.write(tail);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] without(byte[] data, byte[] mark) {
        ByteArrayOutputStream out = null;
        int copied = 0;
        for (int i = 0; i + mark.length <= data.length; i++) {
            if (startsWith(data, i, mark)) {
                if (out == null) {
                    out = new ByteArrayOutputStream(data.length);
                }
                out.write(data, copied, i - copied);
                copied = i + mark.length;
                i = copied - 1;
            }
        }
        if (out == null) {
            return data;
        }
        out.write(data, copied, data.length - copied);
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] data, int at, byte[] mark) {
        for (int k = 0; k < mark.length; k++) {
            if (data[at + k] != mark[k]) {
                return false;
            }
        }
        return true;
    }

    // --- what the build already knows of a type --------------------------------------------------

    /**
     * The project's types that its other built classes know by type (as a super type or
     * interface, or in a descriptor or generic signature of a member they declare or use):
     * a renamed copy of such a type is not the type to them, so javac could resolve a call or
     * an override differently, or fail where the real compile passes. Also the types whose
     * simple name other built classes use as a name of their own (a field, method or nested
     * type, or a string): a class of the unit inheriting that member would see it where the
     * renamed source sees the renamed type. Their files are compiled alone. Types that others
     * only call into (static calls, field reads) are safe.
     */
    static final class Entangled {
        private final Set<String> types = new HashSet<>();
        /** Names used in some built class other than as a class name, by the top-level type
         * of the unit that uses them ({@code "*"}: more than one). */
        private final Map<String, String> names = new HashMap<>();

        /** Reads every class file under {@code folder} (the build's main classes). */
        Entangled(File folder) throws IOException {
            List<File> files = new ArrayList<>();
            collect(folder, files);
            for (File f : files) {
                read(Files.readAllBytes(f.toPath()));
            }
        }

        boolean any(List<String> internalNames) {
            for (String name : internalNames) {
                String user = names.get(name.substring(name.lastIndexOf('/') + 1));
                if (types.contains(name) || user != null && !user.equals(name)) {
                    return true;
                }
            }
            return false;
        }

        private static void collect(File folder, List<File> out) {
            File[] entries = folder.listFiles();
            if (entries == null) {
                return;
            }
            for (File f : entries) {
                if (f.isDirectory()) {
                    collect(f, out);
                } else if (f.getName().endsWith(".class")) {
                    out.add(f);
                }
            }
        }

        private void read(byte[] cls) throws IOException {
            Pool pool = pool(cls);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(cls, pool.end,
                    cls.length - pool.end));
            in.skipBytes(2);
            String self = pool.className(in.readUnsignedShort());
            if (self == null) {
                return;
            }
            String own = topLevel(self);
            Map<String, Boolean> known = new HashMap<>();
            known.put(pool.className(in.readUnsignedShort()), true);
            int interfaces = in.readUnsignedShort();
            for (int i = 0; i < interfaces; i++) {
                known.put(pool.className(in.readUnsignedShort()), true);
            }
            boolean[] classNames = new boolean[pool.utf8.length];
            for (int index : pool.classNames) {
                classNames[index] = true;
            }
            for (int i = 0; i < pool.utf8.length; i++) {
                String s = pool.utf8[i];
                if (s == null) {
                    continue;
                }
                described(s, known);
                if (!classNames[i] && isIdentifier(s)) {
                    String user = names.get(s);
                    names.put(s, user == null || user.equals(own) ? own : "*");
                }
            }
            for (String name : known.keySet()) {
                if (name != null && !topLevel(name).equals(own)) {
                    types.add(topLevel(name));
                }
            }
        }

        /** The class names that {@code s}, read as a descriptor or signature, spells. */
        private static void described(String s, Map<String, Boolean> out) {
            int i = s.indexOf('L');
            while (i >= 0) {
                int end = i + 1;
                while (end < s.length() && ";<.".indexOf(s.charAt(end)) < 0) {
                    end++;
                }
                if (end < s.length() && end > i + 1) {
                    out.put(s.substring(i + 1, end), true);
                }
                i = s.indexOf('L', i + 1);
            }
        }

        private static boolean isIdentifier(String s) {
            if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
                return false;
            }
            for (int i = 1; i < s.length(); i++) {
                if (!Character.isJavaIdentifierPart(s.charAt(i))) {
                    return false;
                }
            }
            return true;
        }

        /** {@code shop/Part07$Inner} to {@code shop/Part07}. */
        private static String topLevel(String internal) {
            int slash = internal.lastIndexOf('/');
            int dollar = internal.indexOf('$', slash + 1);
            return dollar > 0 ? internal.substring(0, dollar) : internal;
        }
    }
}

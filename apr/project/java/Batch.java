package apr.runner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
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
 * file spells names. A renamed copy's classes are only kept when nothing already built can
 * tell the difference: see {@link Known}.
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

    /** What a class file says of names: its own, its super types, its constant pool's
     * strings, the members it uses (owner and name) and the types its own members' descriptors
     * and signatures name, by member name. */
    static final class ClassInfo {
        String name;
        final List<String> supers = new ArrayList<>();
        final List<String> strings = new ArrayList<>(); // constant pool strings, not class names
        final List<String> classNames = new ArrayList<>();
        final List<String[]> uses = new ArrayList<>(); // {owner, member name}
        final Map<String, Set<String>> members = new HashMap<>();

        static ClassInfo read(byte[] cls) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(cls));
            in.skipBytes(8);
            int count = in.readUnsignedShort();
            int[] tags = new int[count];
            int[] first = new int[count];
            int[] second = new int[count];
            String[] utf8 = new String[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                tags[i] = tag;
                if (tag == 1) {
                    int len = in.readUnsignedShort();
                    byte[] data = new byte[len];
                    in.readFully(data);
                    utf8[i] = modifiedUtf8(len, data);
                } else if (tag == 7 || tag == 9 || tag == 10 || tag == 11 || tag == 12) {
                    first[i] = in.readUnsignedShort();
                    second[i] = tag == 7 ? 0 : in.readUnsignedShort();
                } else {
                    in.skipBytes(entrySize(tag));
                    i += tag == 5 || tag == 6 ? 1 : 0;
                }
            }
            ClassInfo info = new ClassInfo();
            boolean[] asClass = new boolean[count];
            for (int i = 1; i < count; i++) {
                if (tags[i] == 7) {
                    asClass[first[i]] = true;
                    info.classNames.add(utf8[first[i]]);
                } else if (tags[i] == 9 || tags[i] == 10 || tags[i] == 11) {
                    int nameAndType = second[i];
                    info.uses.add(new String[] {utf8[first[first[i]]], utf8[first[nameAndType]]});
                }
            }
            for (int i = 1; i < count; i++) {
                if (utf8[i] != null && !asClass[i]) {
                    info.strings.add(utf8[i]);
                }
            }
            in.skipBytes(2);
            info.name = utf8[first[in.readUnsignedShort()]];
            int sup = in.readUnsignedShort();
            if (sup != 0) {
                info.supers.add(utf8[first[sup]]);
            }
            for (int n = in.readUnsignedShort(); n > 0; n--) {
                info.supers.add(utf8[first[in.readUnsignedShort()]]);
            }
            for (int group = 0; group < 2; group++) { // fields, then methods
                for (int n = in.readUnsignedShort(); n > 0; n--) {
                    in.skipBytes(2);
                    String member = utf8[in.readUnsignedShort()];
                    Set<String> named = info.members.computeIfAbsent(member, k -> new HashSet<>());
                    typesIn(utf8[in.readUnsignedShort()], named);
                    for (int attrs = in.readUnsignedShort(); attrs > 0; attrs--) {
                        String attr = utf8[in.readUnsignedShort()];
                        int len = in.readInt();
                        if ("Signature".equals(attr)) {
                            typesIn(utf8[in.readUnsignedShort()], named);
                            in.skipBytes(len - 2);
                        } else {
                            in.skipBytes(len);
                        }
                    }
                }
            }
            return info;
        }
    }

    /** The class names that {@code s}, read as a descriptor or signature, spells (more, from
     * a string that is neither: a name too many only makes a check more careful). */
    static void typesIn(String s, Set<String> out) {
        int i = s.indexOf('L');
        while (i >= 0) {
            int end = i + 1;
            while (end < s.length() && ";<.".indexOf(s.charAt(end)) < 0) {
                end++;
            }
            if (end < s.length() && end > i + 1) {
                out.add(s.substring(i + 1, end));
            }
            i = s.indexOf('L', i + 1);
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
     * What the build's classes (the project's main classes, compiled) know of its types, and
     * the check that a renamed version's class files compiled as its compile alone would have.
     *
     * <p>A renamed copy of a type {@code T} is another type to everything already built. Where
     * a version's code meets a built declaration that names {@code T}, javac could take
     * another road: a member whose descriptor or signature names {@code T} (an overload
     * {@code f(T)} beside {@code f(Object)}, a field of type {@code T}), a built subtype of
     * {@code T}, a built super type of the version's own classes that declares such members.
     * A version whose class files use none of those compiled as it would alone; one that does
     * is compiled alone ({@link #sameAlone}). And where a built class uses {@code T}'s simple
     * name as a name of its own (a field, method or nested type, or a string), a class of the
     * unit inheriting that member would see it where the renamed source sees the renamed
     * type: such a type is never renamed ({@link #renamable}).
     */
    static final class Known {
        /** Each built class's super types. */
        private final Map<String, List<String>> supers = new HashMap<>();
        /** Each built class's members, by name: the types their descriptors and signatures name. */
        private final Map<String, Map<String, Set<String>>> members = new HashMap<>();
        /** Names used in some built class other than as a class name, by the top-level type
         * of the unit that uses them ({@code "*"}: more than one). */
        private final Map<String, String> names = new HashMap<>();
        private final Map<List<String>, Set<String>> subtypes = new HashMap<>();

        /** Reads every class file under {@code folder} (the build's main classes). */
        Known(File folder) throws IOException {
            List<File> files = new ArrayList<>();
            collect(folder, files);
            for (File f : files) {
                ClassInfo info = ClassInfo.read(Files.readAllBytes(f.toPath()));
                supers.put(info.name, info.supers);
                members.put(info.name, info.members);
                String own = topLevel(info.name);
                for (String s : info.strings) {
                    if (isIdentifier(s)) {
                        String user = names.get(s);
                        names.put(s, user == null || user.equals(own) ? own : "*");
                    }
                }
            }
        }

        /** Whether the unit's types may be renamed: no built class of another unit uses one's
         * simple name as a name of its own. */
        boolean renamable(List<String> internalNames) {
            for (String name : internalNames) {
                String user = names.get(name.substring(name.lastIndexOf('/') + 1));
                if (user != null && !user.equals(name)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Whether {@code classes} (a version of the unit declaring {@code types}, compiled
         * renamed, renamed back) are what its compile alone gives: none of them uses a built
         * declaration that names one of the types (see the class doc).
         */
        boolean sameAlone(Map<String, byte[]> classes, List<String> types) throws IOException {
            Set<String> own = new HashSet<>(types);
            Set<String> named = subtypes.get(types);
            if (named == null) { // the types and their built subtypes, once per unit
                named = new HashSet<>(types);
                for (String cls : supers.keySet()) {
                    if (!own.contains(topLevel(cls)) && reaches(cls, own, new HashSet<String>())) {
                        named.add(cls);
                    }
                }
                subtypes.put(types, named);
            }
            for (byte[] bytes : classes.values()) {
                ClassInfo info = ClassInfo.read(bytes);
                Set<String> mentioned = new HashSet<>();
                for (String s : info.strings) {
                    typesIn(s, mentioned);
                }
                mentioned.addAll(info.classNames);
                for (String m : mentioned) {
                    if (named.contains(m) && !own.contains(topLevel(m))) {
                        return false;
                    }
                }
                for (String[] use : info.uses) {
                    if (!own.contains(topLevel(use[0])) && declares(use[0], use[1], named)) {
                        return false;
                    }
                }
                for (String up : info.supers) {
                    if (!own.contains(topLevel(up)) && declares(up, null, named)) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** Whether built class {@code cls} or a built super type of it has a member named
         * {@code member} (any member, when null) whose types include one of {@code named}. */
        private boolean declares(String cls, String member, Set<String> named) {
            for (String c = cls; c != null; ) {
                Map<String, Set<String>> declared = members.get(c);
                if (declared == null) {
                    return false; // not built here: a library class cannot name a project type
                }
                for (Map.Entry<String, Set<String>> e : declared.entrySet()) {
                    if ((member == null || member.equals(e.getKey()))
                            && !Collections.disjoint(e.getValue(), named)) {
                        return true;
                    }
                }
                List<String> ups = supers.get(c);
                for (int i = 1; i < ups.size(); i++) { // interfaces
                    if (declares(ups.get(i), member, named)) {
                        return true;
                    }
                }
                c = ups.isEmpty() ? null : ups.get(0);
            }
            return false;
        }

        /** Whether built class {@code cls} has a super type (transitively) in {@code types}. */
        private boolean reaches(String cls, Set<String> types, Set<String> seen) {
            List<String> ups = supers.get(cls);
            if (ups == null || !seen.add(cls)) {
                return false;
            }
            for (String up : ups) {
                if (types.contains(up) || reaches(up, types, seen)) {
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

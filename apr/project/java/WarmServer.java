package apr.runner;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticListener;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * apr's warm JVM: compiles a candidate's changed files in memory and runs tests in a fresh class
 * loader, request after request, so that a candidate costs no JVM or javac start-up.
 *
 * <p>One JSON object per line on stdin; answers one per line on stdout (its first key
 * {@code "kind"}). Requests:
 * <ul>
 * <li>{@code {"op":"compile","files":[PATH...],"classpath":[PATH...],"options":[...],
 *   "build":KEY,"ahead":[{"path":PATH,"data":BASE64}...]}}: javac (javax.tools) of the files
 *   against the class path (whose class files change only when KEY does), the class files kept
 *   in memory as the current candidate; answer {@code {"kind":"compiled","digest":HEX,
 *   "errors":TEXT,"alone":N,"batched":M,"trouble":TEXT}}, errors empty when it compiled (then
 *   the candidate's classes replace the previous one's), else javac's messages as javac prints
 *   them. DIGEST covers the class files' names and bytes. {@code ahead}: versions of one file
 *   each that coming compiles will ask for; when a one-file compile has no answer yet, it and
 *   the versions kept so far compile in one javac task (see {@link Batch}), and each answer is
 *   kept for its own compile. N and M count the javac tasks of one compile and the versions
 *   compiled in batches so far; trouble: why compiling ahead failed (then it compiled alone).
 * <li>{@code {"op":"run","classpath":[PATH...],"memory":BOOL,"tests":[...],"failFast":BOOL,
 *   "timeout":SECONDS}}: the tests run as {@link JUnitRunner} runs them, in a new class loader
 *   (the current candidate's classes first when {@code memory}, then the class path), so every
 *   run starts with fresh static state; its records are written as they come, then
 *   {@code {"kind":"done","output":TEXT,"restart":BOOL}} (TEXT: what the tests printed; restart:
 *   a test thread could not be stopped, or the heap stays full: the caller should start a new
 *   JVM).
 * </ul>
 * A request it cannot read is answered {@code {"kind":"failed","trace":TEXT}}. It exits when
 * stdin closes (its caller is gone).
 */
public final class WarmServer {
    private static final int CACHE = 256;
    /** At most this many versions compile in one task, and this many characters of them
     * (see also {@link #batchSize}). */
    private static final int BATCH = 24;
    private static final int BATCH_CHARS = 400000;
    private static final int PENDING = 512;
    private static final long PENDING_BYTES = 32L << 20;
    private static final int MAX_OUTPUT = 20000;

    private final PrintStream protocol;
    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    private StandardJavaFileManager files;
    private Map<String, byte[]> current = new TreeMap<>();
    /** Versions coming candidates will compile, in the order they come (see #batch). */
    private final Map<String, Variant> pending = new LinkedHashMap<String, Variant>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Variant> eldest) {
            return size() > PENDING;
        }
    };
    private final int[] counts = new int[2]; // compiled alone, compiled in a batch
    /** Compiles that go alone: their versions failed in a batch, or cannot be renamed. */
    private final Set<String> unbatched = new HashSet<>();
    /** How many versions the next batch may hold; reset to 1 for each build, doubled at
     * each compile without an answer: the first candidates, often the fix, wait for no batch. */
    private int batchSize = 1;
    private String batchBuild = "";
    private String knownId;
    private Batch.Known known;
    private final Map<String, Compiled> compiled = new LinkedHashMap<String, Compiled>(CACHE, 0.75f,
            true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
            return size() > CACHE;
        }
    };

    private WarmServer(PrintStream protocol) {
        this.protocol = protocol;
    }

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        WarmServer server = new WarmServer(protocol);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.trim().isEmpty()) {
                server.answer(line);
            }
        }
        protocol.flush();
        Runtime.getRuntime().halt(0); // threads the tests left running must not keep it alive
    }

    private void answer(String line) {
        try {
            Map<?, ?> request = (Map<?, ?>) Json.parse(line);
            Object op = request.get("op");
            if ("compile".equals(op)) {
                compile(request);
            } else if ("run".equals(op)) {
                run(request);
            } else {
                throw new IllegalArgumentException("unknown op " + op);
            }
        } catch (Throwable t) {
            protocol.println("{\"kind\":\"failed\",\"trace\":" + Json.quote(stackTrace(t)) + "}");
        }
    }

    // --- compiling ---------------------------------------------------------------------------

    /** Class files compiled from one set of sources, or javac's messages. */
    private static final class Compiled {
        final Map<String, byte[]> classes;
        final String digest;
        final String errors;

        Compiled(Map<String, byte[]> classes, String digest, String errors) {
            this.classes = classes;
            this.digest = digest;
            this.errors = errors;
        }
    }

    private void compile(Map<?, ?> request) throws Exception {
        List<String> paths = strings(request.get("files"));
        List<String> classpath = strings(request.get("classpath"));
        List<String> options = strings(request.get("options"));
        String build = String.valueOf(request.get("build"));
        remember(request.get("ahead"));
        List<byte[]> contents = new ArrayList<>();
        for (String path : paths) {
            contents.add(Files.readAllBytes(new File(path).toPath()));
        }
        String id = key(options, classpath, paths, contents, build);
        Compiled result = compiled.get(id);
        String trouble = "";
        if (!build.equals(batchBuild)) { // another build (the warm-up's, a rebuilt project)
            batchBuild = build;
            batchSize = 1;
        }
        boolean miss = result == null;
        if (miss && paths.size() == 1 && !unbatched.contains(id) && batchSize > 1) {
            try {
                batch(new Variant(paths.get(0), contents.get(0)), classpath, options, build);
            } catch (Exception | AssertionError e) { // a class file it cannot read, javac failing
                batchSize = 0; // alone from now on, until another build
                trouble = stackTrace(e);
            }
            result = compiled.get(id);
        }
        if (result == null) {
            result = javac(paths, classpath, options);
            compiled.put(id, result);
            counts[0]++;
        }
        if (miss) { // the first compile goes alone, then batches grow: 2, 4, 8... (0 stays 0)
            batchSize = Math.min(BATCH, batchSize * 2);
        }
        if (result.errors.isEmpty()) {
            current = result.classes;
        }
        protocol.println("{\"kind\":\"compiled\",\"digest\":" + Json.quote(result.digest)
                + ",\"errors\":" + Json.quote(result.errors) + ",\"alone\":" + counts[0]
                + ",\"batched\":" + counts[1] + ",\"trouble\":" + Json.quote(trouble) + "}");
    }

    /** What identifies a compile: its options, class path, files and their bytes, the build. */
    private static String key(List<String> options, List<String> classpath, List<String> paths,
            List<byte[]> contents, String build) throws Exception {
        MessageDigest key = MessageDigest.getInstance("SHA-256");
        for (String item : concat(options, classpath, paths)) {
            key.update(item.getBytes(StandardCharsets.UTF_8));
            key.update((byte) 0);
        }
        for (byte[] content : contents) {
            key.update(content);
            key.update((byte) 0);
        }
        key.update(build.getBytes(StandardCharsets.UTF_8));
        return hex(key.digest());
    }

    // --- compiling ahead, many versions in one task (see Batch) -------------------------------

    /** One version of one source file that a coming candidate will ask to compile. */
    private static final class Variant {
        final String path;
        final byte[] content;

        Variant(String path, byte[] content) {
            this.path = path;
            this.content = content;
        }

        /** Tells versions apart in {@link #pending} (a clash only costs a compile ahead). */
        String mark() {
            return path + "\u0000" + content.length + "\u0000" + Arrays.hashCode(content);
        }
    }

    /** Takes a request's {@code "ahead"}: [{"path":PATH,"data":BASE64}...], kept in order. */
    private void remember(Object ahead) {
        if (!(ahead instanceof List)) {
            return;
        }
        long bytes = 0;
        for (Variant v : pending.values()) {
            bytes += v.content.length;
        }
        for (Object item : (List<?>) ahead) {
            Map<?, ?> v = (Map<?, ?>) item;
            byte[] content = Base64.getDecoder().decode(String.valueOf(v.get("data")));
            if (bytes + content.length > PENDING_BYTES) {
                return; // those are compiled alone when they come
            }
            bytes += content.length;
            Variant variant = new Variant(String.valueOf(v.get("path")), content);
            pending.put(variant.mark(), variant);
        }
    }

    /**
     * Compiles {@code first} and the coming versions kept so far in one javac task (up to
     * {@link #BATCH} of them), each renamed apart, and keeps each one that compiled under the
     * key its own compile would have. Those that do not compile in the batch are left to
     * compile alone when asked, so javac's messages are always those of a compile alone.
     */
    private void batch(Variant first, List<String> classpath, List<String> options, String build)
            throws Exception {
        Batch.Known known = known(classpath, build);
        if (known == null) {
            return;
        }
        Charset charset = charset(options);
        Map<String, Src> todo = new LinkedHashMap<>();
        int chars = 0;
        List<Variant> candidates = new ArrayList<>();
        candidates.add(first);
        candidates.addAll(pending.values());
        pending.clear();
        for (Variant v : candidates) {
            if (todo.size() >= batchSize || chars > BATCH_CHARS) {
                pending.put(v.mark(), v);
                continue;
            }
            String id = key(options, classpath, Collections.singletonList(v.path),
                    Collections.singletonList(v.content), build);
            if (compiled.containsKey(id) || todo.containsKey(id) || unbatched.contains(id)) {
                continue;
            }
            String text = decoded(charset, v.content);
            Batch.Unit unit = text == null || text.contains("__apr") ? null : Batch.unit(text);
            if (unit == null || !known.renamable(unit.internalNames())) {
                unbatched.add(id);
                continue;
            }
            String suffix = "__apr" + todo.size() + "x";
            todo.put(id, new Src(v.path, Batch.rename(text, unit.types, suffix), suffix,
                    unit.internalNames()));
            chars += text.length();
        }
        for (int round = 0; round < 3 && todo.size() > 1; round++) {
            Set<Src> failed = batchRound(todo, classpath, options, known);
            if (failed == null || failed.isEmpty()) {
                return;
            }
            for (Iterator<Map.Entry<String, Src>> it = todo.entrySet().iterator(); it.hasNext();) {
                Map.Entry<String, Src> e = it.next();
                if (failed.contains(e.getValue())) {
                    unbatched.add(e.getKey());
                    it.remove();
                }
            }
        }
    }

    /** One javac task over {@code todo}: the sources with errors (null: errors of no source,
     * or none compiled), or the empty set once every version's classes are kept. */
    private Set<Src> batchRound(Map<String, Src> todo, List<String> classpath, List<String> options,
            Batch.Known known) throws Exception {
        Memory memory = new Memory(fileManager(classpath));
        final Set<Src> failed = new HashSet<>();
        final boolean[] stray = {false};
        DiagnosticListener<JavaFileObject> listener = new DiagnosticListener<JavaFileObject>() {
            @Override
            public void report(Diagnostic<? extends JavaFileObject> d) {
                if (d.getKind() != Diagnostic.Kind.ERROR) {
                    return;
                }
                if (d.getSource() instanceof Src) {
                    failed.add((Src) d.getSource());
                } else {
                    stray[0] = true;
                }
            }
        };
        Boolean ok = javac.getTask(new StringWriter(), memory, listener, options, null,
                new ArrayList<>(todo.values())).call();
        if (!Boolean.TRUE.equals(ok)) {
            return stray[0] || failed.isEmpty() ? null : failed;
        }
        for (Map.Entry<String, Src> e : todo.entrySet()) {
            String suffix = e.getValue().suffix;
            Map<String, byte[]> classes = new TreeMap<>();
            for (Map.Entry<String, ByteArrayOutputStream> out : memory.out.entrySet()) {
                if (out.getKey().contains(suffix)) {
                    classes.put(out.getKey().replace(suffix, ""),
                            Batch.strip(out.getValue().toByteArray(), suffix));
                }
            }
            if (known.sameAlone(classes, e.getValue().types)) {
                compiled.put(e.getKey(), new Compiled(classes, digest(classes), ""));
                counts[1]++;
            } else {
                unbatched.add(e.getKey());
            }
        }
        return failed;
    }

    /** What the build's classes know of its types (read once per build), or null when the
     * class path has no folder of built classes first (then nothing is batched). */
    private Batch.Known known(List<String> classpath, String build) throws IOException {
        if (classpath.isEmpty() || !new File(classpath.get(0)).isDirectory()) {
            return null;
        }
        String id = classpath.get(0) + "\u0000" + build;
        if (!id.equals(knownId)) {
            known = new Batch.Known(new File(classpath.get(0)));
            knownId = id;
        }
        return known;
    }

    /** {@code content} in {@code charset}, or null when it is not (javac would say so). */
    private static String decoded(Charset charset, byte[] content) {
        try {
            return charset.newDecoder().decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static Charset charset(List<String> options) {
        int at = options.indexOf("-encoding");
        return at >= 0 && at + 1 < options.size() ? Charset.forName(options.get(at + 1))
                : StandardCharsets.UTF_8;
    }

    /** A renamed version, in memory; javac reads it as the file at {@code path}. */
    private static final class Src extends SimpleJavaFileObject {
        final String text;
        final String suffix;
        final List<String> types; // the unit's top-level types (internal names)

        Src(String path, String text, String suffix, List<String> types) {
            super(new File(path).toURI(), JavaFileObject.Kind.SOURCE);
            this.text = text;
            this.suffix = suffix;
            this.types = types;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }

        @Override
        public boolean isNameCompatible(String simpleName, JavaFileObject.Kind kind) {
            return kind == JavaFileObject.Kind.SOURCE; // its public type is renamed apart
        }
    }

    /** The file manager, its class path set to {@code classpath}. */
    private StandardJavaFileManager fileManager(List<String> classpath) throws IOException {
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this JVM (a JRE, not a JDK)");
        }
        if (files == null) {
            files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        }
        List<File> entries = new ArrayList<>();
        for (String c : classpath) {
            entries.add(new File(c));
        }
        files.setLocation(javax.tools.StandardLocation.CLASS_PATH, entries);
        return files;
    }

    private Compiled javac(List<String> paths, List<String> classpath, List<String> options)
            throws Exception {
        StandardJavaFileManager manager = fileManager(classpath);
        List<File> sources = new ArrayList<>();
        for (String p : paths) {
            sources.add(new File(p));
        }
        Memory memory = new Memory(manager);
        StringWriter messages = new StringWriter();
        Boolean ok = javac.getTask(messages, memory, null, options, null,
                manager.getJavaFileObjectsFromFiles(sources)).call();
        Map<String, byte[]> classes = new TreeMap<>();
        for (Map.Entry<String, ByteArrayOutputStream> e : memory.out.entrySet()) {
            classes.put(e.getKey(), e.getValue().toByteArray());
        }
        String errors = Boolean.TRUE.equals(ok) ? "" : messages.toString();
        if (!Boolean.TRUE.equals(ok) && errors.trim().isEmpty()) {
            errors = "javac failed";
        }
        return new Compiled(classes, digest(classes), errors);
    }

    private static String digest(Map<String, byte[]> classes) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            d.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(e.getValue());
        }
        return hex(d.digest());
    }

    /** javac's output classes, kept in memory by binary name. */
    private static final class Memory extends ForwardingJavaFileManager<StandardJavaFileManager> {
        final Map<String, ByteArrayOutputStream> out = new TreeMap<>();

        Memory(StandardJavaFileManager files) {
            super(files);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(JavaFileManager.Location location, final String name,
                JavaFileObject.Kind kind, FileObject sibling) {
            URI uri = URI.create("mem:///" + name.replace('.', '/') + kind.extension);
            return new SimpleJavaFileObject(uri, kind) {
                @Override
                public OutputStream openOutputStream() {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    out.put(name, bytes);
                    return bytes;
                }
            };
        }
    }

    // --- running -----------------------------------------------------------------------------

    /** The candidate's classes first, then the class path; JUnit from the parent (this JVM's). */
    private static final class CandidateLoader extends URLClassLoader {
        private final Map<String, byte[]> classes;

        CandidateLoader(URL[] urls, Map<String, byte[]> classes) {
            super(urls, WarmServer.class.getClassLoader());
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes != null) {
                return defineClass(name, bytes, 0, bytes.length);
            }
            return super.findClass(name);
        }
    }

    private void run(Map<?, ?> request) throws Exception {
        List<String> classpath = strings(request.get("classpath"));
        URL[] urls = new URL[classpath.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = new File(classpath.get(i)).toURI().toURL();
        }
        boolean memory = Boolean.TRUE.equals(request.get("memory"));
        double seconds = ((Number) request.get("timeout")).doubleValue();
        boolean failFast = Boolean.TRUE.equals(request.get("failFast"));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Globals globals = new Globals(captured);
        boolean aborted;
        CandidateLoader loader = new CandidateLoader(urls, memory ? current : new TreeMap<String, byte[]>());
        try {
            PrintWriter records = new PrintWriter(new OutputStreamWriter(protocol, StandardCharsets.UTF_8), true);
            JUnitRunner runner = new JUnitRunner(records, (long) (seconds * 1000), null, loader, false);
            runner.runAll(strings(request.get("tests")), failFast);
            records.flush();
            aborted = runner.aborted;
        } finally {
            globals.restore();
            loader.close();
        }
        String output = new String(captured.toByteArray(), StandardCharsets.UTF_8);
        if (output.length() > MAX_OUTPUT) {
            output = output.substring(output.length() - MAX_OUTPUT);
        }
        protocol.println("{\"kind\":\"done\",\"output\":" + Json.quote(output) + ",\"restart\":"
                + (aborted || heapStaysFull()) + "}");
    }

    /** Whether the heap is still more than half full after a collection: a leak to restart on. */
    private static boolean heapStaysFull() {
        Runtime rt = Runtime.getRuntime();
        long max = rt.maxMemory();
        if (rt.totalMemory() - rt.freeMemory() < max / 2) {
            return false;
        }
        System.gc();
        return rt.totalMemory() - rt.freeMemory() >= max / 2;
    }

    /**
     * The JVM-wide state a fresh JVM would start with and tests may change: standard streams
     * (captured during the run), system properties, default locale and time zone.
     */
    private static final class Globals {
        private final PrintStream out = System.out;
        private final PrintStream err = System.err;
        private final InputStream in = System.in;
        private final Properties properties = (Properties) System.getProperties().clone();
        private final Locale locale = Locale.getDefault();
        private final TimeZone zone = TimeZone.getDefault();

        Globals(ByteArrayOutputStream captured) throws IOException {
            PrintStream capture = new PrintStream(captured, true, "UTF-8");
            System.setOut(capture);
            System.setErr(capture);
        }

        void restore() {
            System.out.flush();
            System.err.flush();
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
            System.setProperties(properties);
            Locale.setDefault(locale);
            TimeZone.setDefault(zone);
        }
    }

    // --- helpers -----------------------------------------------------------------------------

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List) {
            for (Object o : (List<?>) value) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> out = new ArrayList<>();
        for (List<String> l : lists) {
            out.addAll(l);
            out.add("\u0001");
        }
        return out;
    }

    private static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            b.append(String.format("%02x", x));
        }
        return b.toString();
    }

    private static String stackTrace(Throwable t) {
        StringWriter s = new StringWriter();
        t.printStackTrace(new PrintWriter(s));
        return s.toString();
    }
}

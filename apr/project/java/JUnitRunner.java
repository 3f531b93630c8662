package apr.runner;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.runner.Description;
import org.junit.runner.JUnitCore;
import org.junit.runner.Request;
import org.junit.runner.RunWith;
import org.junit.runner.notification.Failure;
import org.junit.runner.notification.RunListener;

/**
 * apr's JUnit 4 runner: runs test methods one at a time and writes one JSON object per line.
 *
 * <p>Usage: {@code JUnitRunner RESULTS TIMEOUT_SECONDS COVERAGE_DIR|- FAIL_FAST(0|1) TESTS_FILE}.
 * TESTS_FILE holds one entry per line: a class name (all its tests) or {@code pkg.Cls#method};
 * an entry {@code !pkg.Cls#method} skips that test (already run by an earlier JVM). Entries
 * that name a class without JUnit tests (helpers) are skipped.
 *
 * <p>Records: {@code {"kind":"test","id":"pkg.Cls#m","outcome":"passed|failed|skipped|timeout",
 * "seconds":0.1,"trace":"..."}} per test, {@code {"kind":"error","id":"pkg.Cls","trace":"..."}}
 * for a class that cannot be loaded, and {@code {"kind":"abort","id":...}} when a test that ran
 * past its time could not be stopped (the JVM then exits with status 3; the caller runs the
 * remaining tests in a new JVM). Lines are flushed as they are written.
 *
 * <p>With a COVERAGE_DIR (the JaCoCo agent loaded), the execution data of each test is reset
 * before it and written after it to {@code COVERAGE_DIR/N.exec}; {@code COVERAGE_DIR/index.tsv}
 * maps N to the test id. What ran between tests (a test class's loading, and the static
 * initializers it sets off) is appended to {@code COVERAGE_DIR/outside.exec}, listed with the
 * empty id.
 */
public final class JUnitRunner {
    private static final int MAX_TRACE = 6000;

    private final PrintWriter out;
    private final long timeoutMillis;
    private final File coverageDir;
    private final PrintWriter index;
    private boolean outsideListed;
    private final ClassLoader loader;
    private final boolean exitOnAbort;
    private int executed;
    /** Whether a test that ran past its time could not be stopped (only without exitOnAbort). */
    boolean aborted;

    private JUnitRunner(PrintWriter out, long timeoutMillis, File coverageDir) throws IOException {
        this(out, timeoutMillis, coverageDir, JUnitRunner.class.getClassLoader(), true);
    }

    /**
     * A runner loading test classes from {@code loader}; with {@code exitOnAbort} false (the warm
     * server), a test thread that cannot be stopped is recorded in {@link #aborted} and the run
     * goes on, instead of ending the JVM.
     */
    JUnitRunner(PrintWriter out, long timeoutMillis, File coverageDir, ClassLoader loader,
            boolean exitOnAbort) throws IOException {
        this.out = out;
        this.timeoutMillis = timeoutMillis;
        this.coverageDir = coverageDir;
        this.index = coverageDir == null ? null : writer(new File(coverageDir, "index.tsv"));
        this.loader = loader;
        this.exitOnAbort = exitOnAbort;
    }

    public static void main(String[] args) throws Exception {
        PrintWriter out = writer(new File(args[0]));
        double seconds = Double.parseDouble(args[1]);
        File coverage = "-".equals(args[2]) ? null : new File(args[2]);
        boolean failFast = "1".equals(args[3]);
        List<String> entries = Files.readAllLines(new File(args[4]).toPath(), StandardCharsets.UTF_8);
        JUnitRunner runner = new JUnitRunner(out, (long) (seconds * 1000), coverage);
        runner.runAll(entries, failFast);
        out.flush();
        System.out.flush();
        System.exit(0); // threads the tests left running must not keep the JVM alive
    }

    private static PrintWriter writer(File file) throws IOException {
        Writer w = new OutputStreamWriter(new FileOutputStream(file, true), StandardCharsets.UTF_8);
        return new PrintWriter(w, true);
    }

    void runAll(List<String> entries, boolean failFast) throws Exception {
        Set<String> skip = new HashSet<>();
        for (String entry : entries) {
            if (entry.startsWith("!")) {
                skip.add(entry.substring(1).trim());
            }
        }
        List<Planned> todo = new ArrayList<>();
        for (Map.Entry<Class<?>, List<String>> e : group(entries).entrySet()) {
            for (Description test : leaves(e.getKey(), e.getValue())) {
                if (!skip.contains(idOf(test))) {
                    todo.add(new Planned(e.getKey(), test));
                }
            }
        }
        int next = 0;
        while (next < todo.size()) {
            next = new Worker(todo, next, failFast).watch();
        }
    }

    /** A test to run: its class and its description. */
    private static final class Planned {
        final Class<?> cls;
        final Description test;

        Planned(Class<?> cls, Description test) {
            this.cls = cls;
            this.test = test;
        }
    }

    /**
     * One thread that runs planned tests in order, from {@code first}, while the calling
     * thread watches each test's time ({@link #watch}). A test that runs past its time is
     * reported by the watcher, its thread stopped, and the tests after it go on in a new
     * thread. One thread for a run of tests, not one per test: a thread's start and end cost
     * more than a small test does (0.25 ms a test on 2 cores), and JUnit itself runs a class's
     * tests in one thread. A test's interrupt status and the threads it left running do not
     * reach the next test.
     */
    private final class Worker implements Runnable {
        private final List<Planned> todo;
        private final boolean failFast;
        // guarded by this:
        private int current;
        private long startedAt = System.nanoTime();
        private Set<Thread> before = new HashSet<>();
        private boolean finished;
        private boolean cancelled;
        private Throwable crash;

        Worker(List<Planned> todo, int first, boolean failFast) {
            this.todo = todo;
            this.current = first;
            this.failFast = failFast;
        }

        /** Runs the tests from the first; returns the index to go on from. */
        int watch() throws Exception {
            Thread worker = new Thread(this, "apr-test");
            worker.setDaemon(true);
            worker.setContextClassLoader(loader);
            worker.start();
            int late;
            double seconds;
            Set<Thread> live;
            synchronized (this) {
                while (!finished && !cancelled) {
                    long left = timeoutMillis - (System.nanoTime() - startedAt) / 1_000_000;
                    if (timeoutMillis <= 0) {
                        wait();
                    } else if (left > 0 || current >= todo.size()) {
                        wait(Math.max(left, 1)); // (past the last test: the worker is ending)
                    } else {
                        cancelled = true; // the current test ran past its time: the worker reports nothing more
                    }
                }
                late = current;
                seconds = (System.nanoTime() - startedAt) / 1e9;
                live = before;
            }
            if (!cancelled) {
                worker.join();
                if (crash instanceof Exception) {
                    throw (Exception) crash;
                } else if (crash != null) {
                    throw new IllegalStateException(crash);
                }
                return todo.size();
            }
            timedOut(worker, todo.get(late).test, seconds, live);
            return failFast ? todo.size() : late + 1;
        }

        /** Reports a test that ran past its time and stops its thread. */
        private void timedOut(Thread worker, Description test, double seconds, Set<Thread> live)
                throws Exception {
            stop(worker);
            stopLeftovers(live, worker);
            dumpCoverage(idOf(test));
            emit("test", idOf(test), "timeout", seconds, "test ran past " + timeoutMillis / 1000.0 + " s");
            if (worker.isAlive()) {
                emit("abort", idOf(test), "timeout", seconds, "the test could not be stopped");
                out.flush();
                if (exitOnAbort) {
                    System.exit(3);
                }
                aborted = true;
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Planned planned;
                    synchronized (this) {
                        if (cancelled || current >= todo.size()) {
                            return;
                        }
                        planned = todo.get(current);
                    }
                    Set<Thread> live = liveThreads();
                    resetCoverage();
                    long started = System.nanoTime();
                    synchronized (this) {
                        if (cancelled) {
                            return;
                        }
                        before = live;
                        startedAt = started;
                    }
                    Recorder recorder = runOne(planned);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    stopLeftovers(live, Thread.currentThread()); // within the test's time
                    Thread.interrupted(); // a test's interrupt status is its own
                    synchronized (this) {
                        if (cancelled) {
                            return;
                        }
                        dumpCoverage(idOf(planned.test));
                        emit("test", idOf(planned.test), recorder.outcome, seconds, recorder.trace);
                        current++;
                        startedAt = System.nanoTime(); // the watcher's clock: the next test's
                        if (failFast && ("failed".equals(recorder.outcome) || "timeout".equals(recorder.outcome))) {
                            current = todo.size();
                        }
                    }
                }
            } catch (Throwable t) {
                synchronized (this) {
                    crash = cancelled ? null : t; // stopped by the watcher: nothing to say
                }
            } finally {
                synchronized (this) {
                    finished = true;
                    notifyAll();
                }
            }
        }
    }

    /** Runs one test in the calling thread; what JUnit said of it. */
    private static Recorder runOne(Planned planned) {
        Recorder recorder = new Recorder();
        try {
            JUnitCore core = new JUnitCore();
            core.addListener(recorder);
            core.run(Request.aClass(planned.cls).filterWith(planned.test));
        } catch (ThreadDeath death) {
            throw death; // stopped by the watcher
        } catch (Throwable t) {
            recorder.outcome = "failed";
            recorder.trace = stackTrace(t);
        }
        return recorder;
    }

    /** Entries by test class, in order; a class entry means all of its methods (empty list). */
    private Map<Class<?>, List<String>> group(List<String> entries) {
        Map<Class<?>, List<String>> byClass = new LinkedHashMap<>();
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty() || entry.startsWith("!")) {
                continue;
            }
            int hash = entry.indexOf('#');
            String name = hash < 0 ? entry : entry.substring(0, hash);
            Class<?> cls;
            try {
                cls = Class.forName(name, false, loader);
            } catch (Throwable t) {
                emitError(name, t);
                continue;
            }
            if (!isTestClass(cls)) {
                continue;
            }
            List<String> methods = byClass.computeIfAbsent(cls, k -> new ArrayList<>());
            if (hash >= 0) {
                methods.add(entry.substring(hash + 1));
            } else {
                byClass.put(cls, new ArrayList<>());
            }
        }
        return byClass;
    }

    private static boolean isTestClass(Class<?> cls) {
        if (cls.isInterface() || Modifier.isAbstract(cls.getModifiers())
                || !Modifier.isPublic(cls.getModifiers()) || cls.isMemberClass()
                || cls.isAnonymousClass() || cls.isLocalClass()) {
            return false;
        }
        if (cls.isAnnotationPresent(RunWith.class) || junit.framework.Test.class.isAssignableFrom(cls)) {
            return true;
        }
        for (Class<?> c = cls; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(org.junit.Test.class)) {
                    return true;
                }
            }
        }
        return false;
    }

    private List<Description> leaves(Class<?> cls, List<String> methods) {
        List<Description> found = new ArrayList<>();
        collect(Request.aClass(cls).getRunner().getDescription(), found);
        if (methods.isEmpty()) {
            return found;
        }
        List<Description> chosen = new ArrayList<>();
        for (String method : methods) {
            for (Description d : found) {
                if (method.equals(d.getMethodName()) && !chosen.contains(d)) {
                    chosen.add(d);
                }
            }
        }
        return chosen;
    }

    private static void collect(Description d, List<Description> out) {
        if (d.isTest()) {
            out.add(d);
        }
        for (Description child : d.getChildren()) {
            collect(child, out);
        }
    }

    private static String idOf(Description d) {
        return d.getClassName() + "#" + d.getMethodName();
    }

    /**
     * Stops threads the test started and left running (JUnit's own {@code @Test(timeout=...)}
     * thread keeps running buggy code that loops forever after it gave up on it).
     */
    private static void stopLeftovers(Set<Thread> before, Thread worker) throws InterruptedException {
        for (Thread t : liveThreads()) {
            if (t != worker && t.isAlive() && !before.contains(t) && t != Thread.currentThread()) {
                stop(t);
            }
        }
    }

    /** The live threads of every group (as {@code Thread.getAllStackTraces()} finds them,
     * without stopping each to take its stack). */
    private static Set<Thread> liveThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 16];
        int n = root.enumerate(all, true);
        while (n == all.length) {
            all = new Thread[all.length * 2];
            n = root.enumerate(all, true);
        }
        return new HashSet<>(Arrays.asList(all).subList(0, n));
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static void stop(Thread worker) throws InterruptedException {
        worker.interrupt();
        worker.join(200);
        if (worker.isAlive()) {
            try {
                worker.stop(); // Java 17 still honours it; buggy code under test loops forever
            } catch (UnsupportedOperationException ignored) {
                // Java 20+: the caller restarts the JVM for the remaining tests
            }
            worker.join(2000);
        }
    }

    /** Reads JUnit's notifications for one test. */
    private static final class Recorder extends RunListener {
        String outcome = "passed";
        String trace = "";

        @Override
        public void testFailure(Failure failure) {
            outcome = "failed";
            trace = failure.getTrimmedTrace();
        }

        @Override
        public void testAssumptionFailure(Failure failure) {
            outcome = "skipped";
        }

        @Override
        public void testIgnored(Description description) {
            outcome = "skipped";
        }
    }

    // --- coverage through the JaCoCo agent's runtime API (reflection: optional at run time) ---

    private static Object agent() throws Exception {
        return Class.forName("org.jacoco.agent.rt.RT").getMethod("getAgent").invoke(null);
    }

    private static byte[] executionData(boolean reset) throws Exception {
        Object agent = agent();
        Method get = agent.getClass().getMethod("getExecutionData", boolean.class);
        get.setAccessible(true);
        return (byte[]) get.invoke(agent, reset);
    }

    private void resetCoverage() throws Exception {
        if (coverageDir == null) {
            return;
        }
        Files.write(new File(coverageDir, "outside.exec").toPath(), executionData(true),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (!outsideListed) {
            index.println("outside\t");
            outsideListed = true;
        }
    }

    private void dumpCoverage(String id) throws Exception {
        if (coverageDir == null) {
            return;
        }
        int n = executed++;
        Files.write(new File(coverageDir, n + ".exec").toPath(), executionData(true));
        index.println(n + "\t" + id);
    }

    // --- output --------------------------------------------------------------------------------

    private void emitError(String id, Throwable t) {
        out.println("{\"kind\":\"error\",\"id\":" + Json.quote(id) + ",\"trace\":"
                + Json.quote(clip(stackTrace(t))) + "}");
    }

    private void emit(String kind, String id, String outcome, double seconds, String trace) {
        out.println("{\"kind\":" + Json.quote(kind) + ",\"id\":" + Json.quote(id) + ",\"outcome\":"
                + Json.quote(outcome) + ",\"seconds\":" + String.format("%.4f", seconds).replace(',', '.')
                + ",\"trace\":" + Json.quote(clip(trace == null ? "" : trace)) + "}");
    }

    private static String clip(String text) {
        return text.length() <= MAX_TRACE ? text : text.substring(0, MAX_TRACE);
    }

    private static String stackTrace(Throwable t) {
        StringWriter s = new StringWriter();
        t.printStackTrace(new PrintWriter(s));
        return s.toString();
    }
}

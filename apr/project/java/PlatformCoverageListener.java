package apr.runner;

import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Per-test coverage inside a JUnit Platform run (Maven Surefire, Gradle): registered through
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}, it resets the
 * JaCoCo agent's execution data when a test method starts and writes it to
 * {@code $apr.coverage.dir/N.exec} when it ends, with {@code index.tsv} mapping N to
 * {@code pkg.Cls#method} (the ids Surefire's reports use). What ran between tests (static
 * initializers) goes to {@code outside.exec}, listed with the empty id. Without the system
 * property {@code apr.coverage.dir} or the agent it does nothing.
 */
public final class PlatformCoverageListener implements TestExecutionListener {
    private final File dir;
    private PrintWriter index;
    private int executed;
    private boolean outsideListed;

    public PlatformCoverageListener() {
        String path = System.getProperty("apr.coverage.dir");
        this.dir = path == null || path.isEmpty() ? null : new File(path);
    }

    @Override
    public void executionStarted(TestIdentifier test) {
        if (dir == null || !test.isTest()) {
            return;
        }
        byte[] between = executionData();
        if (between == null) {
            return;
        }
        try {
            Files.write(new File(index(), "outside.exec").toPath(), between,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (!outsideListed) {
                index.println("outside\t");
                outsideListed = true;
            }
        } catch (Exception e) {
            // coverage is best effort: never fail the user's test run
        }
    }

    /** The coverage folder, its index opened (appending) on the first call. */
    private File index() throws Exception {
        if (index == null) {
            dir.mkdirs();
            index = new PrintWriter(new OutputStreamWriter(
                    new FileOutputStream(new File(dir, "index.tsv"), true),
                    StandardCharsets.UTF_8), true);
        }
        return dir;
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (dir == null || !test.isTest()) {
            return;
        }
        String id = idOf(test);
        byte[] data = executionData();
        if (id == null || data == null) {
            return;
        }
        try {
            int n = executed++;
            Files.write(new File(index(), n + ".exec").toPath(), data);
            index.println(n + "\t" + id);
        } catch (Exception e) {
            // coverage is best effort: never fail the user's test run
        }
    }

    private static String idOf(TestIdentifier test) {
        Optional<TestSource> source = test.getSource();
        if (source.isPresent() && source.get() instanceof MethodSource) {
            MethodSource method = (MethodSource) source.get();
            return method.getClassName() + "#" + method.getMethodName();
        }
        return null;
    }

    /** The agent's execution data since the last call (reset), or null without an agent. */
    private static byte[] executionData() {
        try {
            Object agent = Class.forName("org.jacoco.agent.rt.RT").getMethod("getAgent").invoke(null);
            Method get = agent.getClass().getMethod("getExecutionData", boolean.class);
            get.setAccessible(true);
            return (byte[]) get.invoke(agent, true);
        } catch (Exception e) {
            return null;
        }
    }
}

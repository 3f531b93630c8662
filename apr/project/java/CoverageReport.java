package apr.runner;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jacoco.core.analysis.Analyzer;
import org.jacoco.core.analysis.CoverageBuilder;
import org.jacoco.core.analysis.ICounter;
import org.jacoco.core.analysis.ISourceFileCoverage;
import org.jacoco.core.data.ExecutionData;
import org.jacoco.core.data.ExecutionDataStore;
import org.jacoco.core.tools.ExecFileLoader;

/**
 * Turns the per-test execution data {@link JUnitRunner} wrote into covered lines per test.
 *
 * <p>Usage: {@code CoverageReport COVERAGE_DIR OUT CLASS_DIR...}. For each test in
 * {@code COVERAGE_DIR/index.tsv}, analyses the classes of the CLASS_DIRs it executed (with
 * org.jacoco.core) and writes one JSON object per source file it covered:
 * {@code {"test":"pkg.Cls#m","file":"pkg/Source.java","lines":[3,4,9]}} (a line counts when
 * any of its instructions ran).
 */
public final class CoverageReport {
    private CoverageReport() {
    }

    public static void main(String[] args) throws IOException {
        File dir = new File(args[0]);
        Map<String, byte[]> classes = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            File root = new File(args[i]);
            load(root, root, classes);
        }
        try (PrintWriter out = new PrintWriter(new OutputStreamWriter(
                new FileOutputStream(args[1]), StandardCharsets.UTF_8))) {
            for (String line : Files.readAllLines(new File(dir, "index.tsv").toPath())) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    report(new File(dir, line.substring(0, tab) + ".exec"), line.substring(tab + 1),
                            classes, out);
                }
            }
        }
    }

    private static void load(File root, File file, Map<String, byte[]> classes) throws IOException {
        File[] children = file.listFiles();
        if (children == null) {
            String name = root.toPath().relativize(file.toPath()).toString().replace('\\', '/');
            if (name.endsWith(".class")) {
                classes.put(name.substring(0, name.length() - 6), Files.readAllBytes(file.toPath()));
            }
            return;
        }
        for (File child : children) {
            load(root, child, classes);
        }
    }

    private static void report(File exec, String test, Map<String, byte[]> classes, PrintWriter out)
            throws IOException {
        ExecFileLoader loader = new ExecFileLoader();
        loader.load(exec);
        ExecutionDataStore store = loader.getExecutionDataStore();
        CoverageBuilder builder = new CoverageBuilder();
        Analyzer analyzer = new Analyzer(store, builder);
        for (ExecutionData data : store.getContents()) {
            byte[] bytes = classes.get(data.getName());
            if (bytes != null && data.hasHits()) {
                try {
                    analyzer.analyzeClass(bytes, data.getName());
                } catch (IOException e) {
                    // a class file JaCoCo cannot read (too new): no coverage for it
                }
            }
        }
        for (ISourceFileCoverage source : builder.getSourceFiles()) {
            List<Integer> lines = new ArrayList<>();
            for (int n = source.getFirstLine(); n >= 0 && n <= source.getLastLine(); n++) {
                int status = source.getLine(n).getStatus();
                if (status == ICounter.FULLY_COVERED || status == ICounter.PARTLY_COVERED) {
                    lines.add(n);
                }
            }
            if (!lines.isEmpty()) {
                String pkg = source.getPackageName();
                String file = pkg.isEmpty() ? source.getName() : pkg + "/" + source.getName();
                out.println("{\"test\":" + Json.quote(test) + ",\"file\":"
                        + Json.quote(file) + ",\"lines\":" + lines.toString().replace(" ", "")
                        + "}");
            }
        }
    }
}

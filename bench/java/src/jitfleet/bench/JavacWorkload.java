package jitfleet.bench;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * javac in-process (javax.tools): each iteration compiles a fixed set of real sources —
 * by default the benchmark's own drivers against the third-party jars — into memory.
 *
 * <p>The checksum covers the sorted names of the generated classes, not their bytes: the
 * JDK 17 and JDK 25 compilers legitimately emit different bytecode for the same source.
 */
final class JavacWorkload implements Workload {
    private List<File> sources;
    private List<String> options;

    @Override
    public void setUp(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("javac needs <source dir> <class path>");
        }
        try (Stream<Path> files = Files.walk(Paths.get(args[0]))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).sorted().map(Path::toFile)
                    .collect(Collectors.toList());
        }
        options = List.of("-proc:none", "-nowarn", "-Xlint:none", "--release", "17", "-classpath", args[1]);
    }

    @Override
    public long iterate() throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        TreeSet<String> classes = new TreeSet<>();
        try (StandardJavaFileManager standard = compiler.getStandardFileManager(diagnostics, null, null);
                InMemoryOutput files = new InMemoryOutput(standard, classes)) {
            Iterable<? extends JavaFileObject> units = standard.getJavaFileObjectsFromFiles(sources);
            boolean ok = compiler.getTask(null, files, diagnostics, options, null, units).call();
            if (!ok) {
                throw new IllegalStateException("javac failed: " + diagnostics.getDiagnostics());
            }
        }
        Checksum checksum = new Checksum().add(sources.size());
        for (String name : classes) {
            checksum.add(name);
        }
        return checksum.value();
    }

    /** Keeps class files in memory so the workload measures the compiler, not the disk. */
    private static final class InMemoryOutput extends ForwardingJavaFileManager<StandardJavaFileManager> {
        private final TreeSet<String> classes;

        InMemoryOutput(StandardJavaFileManager delegate, TreeSet<String> classes) {
            super(delegate);
            this.classes = classes;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                FileObject sibling) {
            classes.add(className);
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    return new ByteArrayOutputStream();
                }
            };
        }
    }
}

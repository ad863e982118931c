import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A real workload for code sharing: javac (through javax.tools) compiling the JVMCI sources
 * (patched into their module) ROUNDS times into OUT_DIR.
 *
 * Usage: java ShareJavac FILE_LIST ROUNDS OUT_DIR
 */
public class ShareJavac {
    public static void main(String[] args) throws Exception {
        List<String> files = Files.readAllLines(Path.of(args[0]));
        int rounds = Integer.parseInt(args[1]);
        String out = args[2];
        String root = Path.of(files.get(0)).toString();
        String classes = root.substring(0, root.indexOf("/share/classes/") + "/share/classes".length());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        for (int r = 0; r < rounds; r++) {
            String[] a = new String[files.size() + 6];
            a[0] = "-proc:none";
            a[1] = "-nowarn";
            a[2] = "-d";
            a[3] = out;
            a[4] = "--patch-module";
            a[5] = "jdk.internal.vm.ci=" + classes;
            for (int i = 0; i < files.size(); i++) {
                a[6 + i] = files.get(i);
            }
            int rc = javac.run(null, null, new ByteArrayOutputStream(), a);
            System.out.println("round " + r + " rc " + rc);
        }
    }
}

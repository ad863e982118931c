package jitfleet.bench;

import java.nio.file.Files;
import java.nio.file.Paths;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.Scriptable;

/**
 * Rhino (Mozilla's JavaScript engine in Java): the script is compiled once to JVM bytecode
 * (Rhino's default optimisation level 0), then each iteration runs it in a fresh global
 * scope. The script's final value is the checksum.
 */
final class RhinoWorkload implements Workload {
    private Script script;

    @Override
    public void setUp(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("rhino needs the path of the script");
        }
        String source = Files.readString(Paths.get(args[0]));
        Context context = Context.enter();
        try {
            script = context.compileString(source, args[0], 1, null);
        } finally {
            Context.exit();
        }
    }

    @Override
    public long iterate() {
        Context context = Context.enter();
        try {
            Scriptable scope = context.initStandardObjects();
            Object result = script.exec(context, scope);
            return (long) Context.toNumber(result);
        } finally {
            Context.exit();
        }
    }
}

package jitfleet;

import java.util.List;

import jdk.vm.ci.code.BytecodeFrame;
import jdk.vm.ci.code.DebugInfo;
import jdk.vm.ci.code.site.Call;
import jdk.vm.ci.code.site.ExceptionHandler;
import jdk.vm.ci.code.site.Mark;
import jdk.vm.ci.code.site.Site;
import jdk.vm.ci.hotspot.HotSpotJVMCIRuntime;
import jdk.vm.ci.hotspot.HotSpotResolvedJavaMethod;
import jdk.vm.ci.hotspot.VMField;
import jdk.vm.ci.meta.JavaKind;
import jdk.vm.ci.meta.JavaMethod;

/**
 * The plan's exception-handler and Java-call sections (agent {@code install/plan.rs}) as JVMCI
 * sites. A call's callee is resolved here the way HotSpot resolves C2's call sites: from the
 * invoke bytecode at the innermost frame's bci (C2 attaches no method to the calls the agent
 * translates), and checked against what C2 recorded about it.
 */
final class CallSites {
    private CallSites() {
    }

    /** Invoke marks by the plan's call kind: static, special (opt-virtual), virtual (inline cache). */
    private static final String[] MARKS = {"INVOKESTATIC", "INVOKESPECIAL", "INVOKEVIRTUAL"};
    private static final int STATIC = 0;
    private static final int SPECIAL = 1;
    private static final int VIRTUAL = 2;

    private static final int INVOKEVIRTUAL = 182;
    private static final int INVOKESPECIAL = 183;
    private static final int INVOKESTATIC = 184;
    private static final int INVOKEINTERFACE = 185;

    /** Reads both sections, adds their sites, and writes this JVM's clean inline-cache value into {@code code}. */
    static void read(Installer.Reader r, HotSpotJVMCIRuntime runtime, byte[] code, List<Site> sites) {
        int handlers = r.next();
        for (int i = 0; i < handlers; i++) {
            int returnPc = r.next();
            sites.add(new ExceptionHandler(returnPc, r.next()));
        }
        int calls = r.next();
        Long nonOopWord = null;
        for (int i = 0; i < calls; i++) {
            int pc = r.next();
            int kind = r.next();
            int inlineCache = r.next();
            boolean returnsOop = r.next() != 0;
            DebugInfo debug = r.debugInfo();
            HotSpotResolvedJavaMethod callee = callee((BytecodeFrame) debug.getBytecodePosition(), kind, returnsOop);
            if (kind == VIRTUAL) {
                if (nonOopWord == null) {
                    nonOopWord = nonOopWord(runtime);
                }
                putLong(code, inlineCache + 2, nonOopWord);
            }
            // The mark names the type of the next call; a stable sort by pc keeps it first.
            sites.add(new Mark(kind == VIRTUAL ? inlineCache : pc, Installer.markId(runtime, MARKS[kind])));
            sites.add(new Call(callee, pc, 5, kind != VIRTUAL, debug));
        }
    }

    /** The callee named by the invoke at the frame's bci, consistent with the call's kind and C2's return_oop flag. */
    static HotSpotResolvedJavaMethod callee(BytecodeFrame frame, int kind, boolean returnsOop) {
        HotSpotResolvedJavaMethod caller = (HotSpotResolvedJavaMethod) frame.getMethod();
        int bci = frame.getBCI();
        byte[] bytecode = caller.getCode();
        if (bytecode == null || bci < 0 || bci + 2 >= bytecode.length) {
            throw new IllegalArgumentException("no invoke at bci " + bci + " of " + caller.format("%H.%n(%p)"));
        }
        int opcode = bytecode[bci] & 0xff;
        boolean fits;
        switch (kind) {
            case STATIC:
                fits = opcode == INVOKESTATIC;
                break;
            case SPECIAL:
                fits = opcode == INVOKESPECIAL || opcode == INVOKEVIRTUAL || opcode == INVOKEINTERFACE;
                break;
            case VIRTUAL:
                fits = opcode == INVOKEVIRTUAL || opcode == INVOKEINTERFACE;
                break;
            default:
                throw new IllegalArgumentException("bad call kind " + kind);
        }
        if (!fits) {
            throw new IllegalArgumentException("call kind " + MARKS[kind] + " at bytecode " + opcode + " (bci " + bci + " of " + caller.format("%H.%n(%p)") + ")");
        }
        int index = ((bytecode[bci + 1] & 0xff) << 8) | (bytecode[bci + 2] & 0xff);
        JavaMethod target = caller.getConstantPool().lookupMethod(index, opcode);
        if (!(target instanceof HotSpotResolvedJavaMethod)) {
            throw new IllegalStateException(Installer.NOT_READY + "callee not resolvable here yet: " + target.format("%H.%n(%p)"));
        }
        HotSpotResolvedJavaMethod callee = (HotSpotResolvedJavaMethod) target;
        String holder = callee.getDeclaringClass().getName();
        if (holder.equals("Ljava/lang/invoke/MethodHandle;") || holder.equals("Ljava/lang/invoke/VarHandle;")) {
            throw new IllegalArgumentException("method-handle call site: " + callee.format("%H.%n(%p)"));
        }
        if ((kind == STATIC) != callee.isStatic()) {
            throw new IllegalArgumentException("static-ness of " + callee.format("%H.%n(%p)") + " differs from the call kind");
        }
        if ((callee.getSignature().getReturnKind() == JavaKind.Object) != returnsOop) {
            throw new IllegalArgumentException("return_oop of the call to " + callee.format("%H.%n(%p)") + " differs from the donor's");
        }
        return callee;
    }

    /** {@code Universe::non_oop_word()}: the value of a clean inline cache. */
    private static long nonOopWord(HotSpotJVMCIRuntime runtime) {
        VMField field = runtime.getConfigStore().getFields().get("CompilerToVM::Data::Universe_non_oop_bits");
        if (field == null || !(field.value instanceof Long)) {
            throw new IllegalStateException("Universe::non_oop_word is not in the JVMCI configuration");
        }
        return (Long) field.value;
    }

    private static void putLong(byte[] code, int at, long value) {
        if (at < 0 || at + 8 > code.length) {
            throw new IllegalArgumentException("inline cache at " + (at - 2) + " is outside the code");
        }
        for (int i = 0; i < 8; i++) {
            code[at + i] = (byte) (value >>> (8 * i));
        }
    }
}

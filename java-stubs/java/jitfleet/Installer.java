package jitfleet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.vm.ci.code.BytecodeFrame;
import jdk.vm.ci.code.DebugInfo;
import jdk.vm.ci.code.InstalledCode;
import jdk.vm.ci.code.Location;
import jdk.vm.ci.code.Register;
import jdk.vm.ci.code.RegisterArray;
import jdk.vm.ci.code.StackLockValue;
import jdk.vm.ci.code.StackSlot;
import jdk.vm.ci.code.site.Call;
import jdk.vm.ci.code.site.ConstantReference;
import jdk.vm.ci.code.site.DataPatch;
import jdk.vm.ci.code.site.ImplicitExceptionDispatch;
import jdk.vm.ci.code.site.Infopoint;
import jdk.vm.ci.code.site.InfopointReason;
import jdk.vm.ci.code.site.Mark;
import jdk.vm.ci.code.site.Site;
import jdk.vm.ci.hotspot.HotSpotCodeCacheProvider;
import jdk.vm.ci.hotspot.HotSpotCompiledCode.Comment;
import jdk.vm.ci.hotspot.HotSpotCompiledNmethod;
import jdk.vm.ci.hotspot.HotSpotForeignCallTarget;
import jdk.vm.ci.hotspot.HotSpotJVMCIRuntime;
import jdk.vm.ci.hotspot.HotSpotReferenceMap;
import jdk.vm.ci.hotspot.HotSpotResolvedJavaMethod;
import jdk.vm.ci.meta.Assumptions.Assumption;
import jdk.vm.ci.meta.JavaConstant;
import jdk.vm.ci.meta.JavaKind;
import jdk.vm.ci.meta.JavaValue;
import jdk.vm.ci.meta.MetaAccessProvider;
import jdk.vm.ci.meta.PlatformKind;
import jdk.vm.ci.meta.ResolvedJavaMethod;
import jdk.vm.ci.meta.ResolvedJavaType;
import jdk.vm.ci.meta.Value;
import jdk.vm.ci.meta.ValueKind;
import jdk.vm.ci.meta.VMConstant;
import jdk.vm.ci.runtime.JVMCIBackend;

/**
 * Builds a JVMCI {@code HotSpotCompiledNmethod} from a resolved portable nmethod and installs it
 * as the method's default code. Called by the jitfleet agent through JNI only; every failure
 * comes back as a message, never as an exception into the agent.
 *
 * <p>The plan is a flat int stream written by the agent's {@code install/plan.rs}; both sides
 * must agree on its layout (version in the first int).
 */
public final class Installer {
    private Installer() {
    }

    static final int PLAN_VERSION = 7;

    /**
     * Prefix of failure messages that name something this JVM does not have yet (a callee's
     * class not loaded): the agent counts them apart from JVMCI errors.
     */
    static final String NOT_READY = "not ready: ";
    /**
     * Prefix of the failure when the nmethod was installed but is no longer valid when the
     * helper looks: the VM's own compile of the same method finished in between and replaced
     * it (ciEnv::register_method makes the old code not used), or a class loaded at that
     * moment broke one of its assumptions. The VM's code runs instead; nothing is wrong.
     */
    static final String SUPERSEDED = "superseded: ";
    /** The name of an install entry that is a class constant (agent install/jvmci.rs KLASS_ENTRY). */
    static final String KLASS_ENTRY = "<klass>";

    /**
     * Compile ids given to installed code. JVMCI would assign one during installation, but the
     * {@code HotSpotNmethod} of default code finds its nmethod by the id it was created with,
     * so an id assigned later leaves it unable to report its address. A range far above
     * CompileBroker's counter keeps them apart in logs.
     */
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_ID = new java.util.concurrent.atomic.AtomicInteger(900_000_000);

    /** Initialises the JVMCI runtime ahead of the first install; returns an error or null. */
    public static String warmUp() {
        try {
            HotSpotJVMCIRuntime.runtime().getHostJVMCIBackend().getCodeCache();
            return null;
        } catch (Throwable t) {
            return t.toString();
        }
    }

    /** Mark names in the agent's {@code MarkKind} order. */
    static final String[] MARKS = {
        "VERIFIED_ENTRY", "UNVERIFIED_ENTRY", "OSR_ENTRY", "EXCEPTION_HANDLER_ENTRY",
        "DEOPT_HANDLER_ENTRY", "FRAME_COMPLETE", "POLL_FAR", "POLL_RETURN_FAR",
    };

    /** JavaKind by the agent's {@code SlotKind} order. */
    static final JavaKind[] KINDS = {
        JavaKind.Int, JavaKind.Long, JavaKind.Float, JavaKind.Double, JavaKind.Object, JavaKind.Illegal,
    };

    /** A value kind naming only its platform kind: what the installer reads from values. */
    static final class SlotValueKind extends ValueKind<SlotValueKind> {
        SlotValueKind(PlatformKind kind) {
            super(kind);
        }

        @Override
        public SlotValueKind changeType(PlatformKind kind) {
            return new SlotValueKind(kind);
        }

        @Override
        public String toString() {
            return getPlatformKind().toString();
        }
    }

    /**
     * Installs one nmethod. Returns "installed 0x&lt;nmethod address&gt;" or "failed: &lt;reason&gt;".
     *
     * @param classes the declaring class of each method of the plan
     * @param names method names, {@code <init>} for constructors
     * @param descriptors JVM method descriptors
     * @param code instructions and stubs
     * @param plan the flat plan (see class comment)
     * @param longs 64-bit operands the plan refers to by index (call targets, long constants)
     */
    public static String install(Class<?>[] classes, String[] names, String[] descriptors, byte[] code, int[] plan, long[] longs) {
        try {
            return "installed 0x" + Long.toHexString(doInstall(classes, names, descriptors, code, plan, longs));
        } catch (Throwable t) {
            return "failed: " + t;
        }
    }

    private static long doInstall(Class<?>[] classes, String[] names, String[] descriptors, byte[] code, int[] plan, long[] longs) throws ClassNotFoundException {
        HotSpotJVMCIRuntime runtime = HotSpotJVMCIRuntime.runtime();
        JVMCIBackend backend = runtime.getHostJVMCIBackend();
        HotSpotCodeCacheProvider codeCache = (HotSpotCodeCacheProvider) backend.getCodeCache();
        MetaAccessProvider meta = backend.getMetaAccess();
        // Entries: the nmethod's methods, the assumptions' entries (methods, or type-only with an
        // empty name), then the class constants (KLASS_ENTRY, read by KlassConstants).
        int firstKlass = 0;
        while (firstKlass < names.length && !names[firstKlass].equals(KLASS_ENTRY)) {
            firstKlass++;
        }
        HotSpotResolvedJavaMethod[] methods = new HotSpotResolvedJavaMethod[firstKlass];
        ResolvedJavaType[] types = new ResolvedJavaType[firstKlass];
        for (int i = 0; i < firstKlass; i++) {
            types[i] = meta.lookupJavaType(classes[i]);
            // Type-only entries (empty name) serve the assumptions (Assumptions.java).
            methods[i] = names[i].isEmpty() ? null : find(classes[i], names[i], descriptors[i]);
        }
        ResolvedJavaType[] klasses = KlassConstants.types(meta, classes, descriptors, firstKlass);
        PlatformKind word = codeCache.getTarget().arch.getWordKind();
        Reader r = new Reader(plan, longs, methods, codeCache.getTarget().arch.getRegisters(), word);
        if (r.next() != PLAN_VERSION) {
            throw new IllegalArgumentException("plan version mismatch");
        }
        int frameSize = r.next();
        int origPcOffset = r.next();
        int entryBci = r.next();
        r.debugObjects = KlassConstants.readObjectList(r, klasses, backend.getConstantReflection());
        r.reflection = backend.getConstantReflection();
        List<Site> sites = new ArrayList<>();
        int marks = r.next();
        for (int i = 0; i < marks; i++) {
            int pc = r.next();
            sites.add(new Mark(pc, markId(runtime, MARKS[r.next()])));
        }
        int calls = r.next();
        for (int i = 0; i < calls; i++) {
            int pc = r.next();
            long target = longs[r.next()];
            DebugInfo debug = r.next() != 0 ? r.debugInfo() : null;
            sites.add(new Call(new HotSpotForeignCallTarget(target), pc, 5, true, debug));
        }
        int polls = r.next();
        for (int i = 0; i < polls; i++) {
            int pc = r.next();
            sites.add(new Infopoint(pc, r.debugInfo(), InfopointReason.SAFEPOINT));
        }
        int checks = r.next();
        for (int i = 0; i < checks; i++) {
            int pc = r.next();
            int continuation = r.next();
            sites.add(new ImplicitExceptionDispatch(pc, continuation, r.debugInfo()));
        }
        CallSites.read(r, runtime, code, sites);
        KlassConstants.read(r, klasses, sites);
        KlassConstants.readObjects(r, klasses, backend.getConstantReflection(), sites);
        readMethodConstants(r, sites);
        Assumption[] assumptions = Assumptions.read(plan, r.at, types, methods);
        HotSpotResolvedJavaMethod[] inlined = java.util.Arrays.stream(methods).filter(m -> m != null).toArray(HotSpotResolvedJavaMethod[]::new);
        // The installer needs relocations and debug info in pc order.
        sites.sort(Comparator.comparingInt(s -> s.pcOffset));
        StackSlot rescue = StackSlot.get(new SlotValueKind(word), origPcOffset, false);
        HotSpotResolvedJavaMethod root = methods[0];
        // A constant name: formatting the method's would parse its signature on every install
        // (the agent's log names the method).
        HotSpotCompiledNmethod nmethod = new HotSpotCompiledNmethod("jitfleet", code, code.length,
                        sites.toArray(new Site[0]), assumptions, inlined, new Comment[0], new byte[0], 1, new DataPatch[0],
                        false, frameSize, rescue, root, entryBci, NEXT_ID.getAndIncrement(), 0L, false);
        InstalledCode installed = codeCache.setDefaultCode(root, nmethod);
        if (installed == null) {
            throw new IllegalStateException("setDefaultCode returned no installed code");
        }
        if (!installed.isValid()) {
            throw new IllegalStateException(SUPERSEDED + "installed, then replaced or invalidated by the VM at once: " + installed);
        }
        return installed.getAddress();
    }

    /**
     * Reads the {@code Method*} constants (plan 7): a count, then (pc, entry) pairs; each
     * becomes a data patch with this JVM's metaspace constant of the entry's method (JVMCI
     * records it as a metadata relocation, so class redefinition and unloading see it).
     */
    static void readMethodConstants(Reader r, List<Site> sites) {
        int patches = r.next();
        for (int i = 0; i < patches; i++) {
            int pc = r.next();
            HotSpotResolvedJavaMethod method = r.methods[r.next()];
            if (method == null) {
                throw new IllegalArgumentException("a method constant names a type-only entry");
            }
            sites.add(new DataPatch(pc, new ConstantReference((VMConstant) method.getEncoding())));
        }
    }

    static int markId(HotSpotJVMCIRuntime runtime, String name) {
        Long id = runtime.getConfigStore().getConstants().get("CodeInstaller::" + name);
        if (id == null) {
            throw new IllegalArgumentException("no JVMCI mark " + name);
        }
        return id.intValue();
    }

    /**
     * Methods and constructors of each class by name, built once per class. JVMCI's
     * {@code getDeclaredMethods} makes the VM create a resolved method for every method of the
     * class on each call, which made method lookup most of an install's time when it ran per
     * install. Descriptors are built only for the methods of the wanted name: building one
     * parses the signature, which for every method of every class kept JVMCI's Java code hot
     * enough for C2 to compile it. A {@link ClassValue} keeps the table with its class, so an
     * unloadable class stays unloadable.
     */
    private static final ClassValue<Map<String, List<HotSpotResolvedJavaMethod>>> DECLARED = new ClassValue<>() {
        @Override
        protected Map<String, List<HotSpotResolvedJavaMethod>> computeValue(Class<?> c) {
            ResolvedJavaType type = HotSpotJVMCIRuntime.runtime().getHostJVMCIBackend().getMetaAccess().lookupJavaType(c);
            Map<String, List<HotSpotResolvedJavaMethod>> byName = new HashMap<>();
            for (ResolvedJavaMethod m : type.getDeclaredConstructors()) {
                byName.computeIfAbsent(m.getName(), k -> new ArrayList<>(1)).add((HotSpotResolvedJavaMethod) m);
            }
            for (ResolvedJavaMethod m : type.getDeclaredMethods()) {
                byName.computeIfAbsent(m.getName(), k -> new ArrayList<>(1)).add((HotSpotResolvedJavaMethod) m);
            }
            return byName;
        }
    };

    private static HotSpotResolvedJavaMethod find(Class<?> c, String name, String descriptor) {
        for (HotSpotResolvedJavaMethod m : DECLARED.get(c).getOrDefault(name, List.of())) {
            if (m.getSignature().toMethodDescriptor().equals(descriptor)) {
                return m;
            }
        }
        throw new IllegalArgumentException("no method " + c.getName() + "." + name + descriptor);
    }

    /** Reads the plan stream. */
    static final class Reader {
        final int[] plan;
        final long[] longs;
        final HotSpotResolvedJavaMethod[] methods;
        final RegisterArray registers;
        final PlatformKind word;
        /** Object constants of the debug info (the plan's n_dobj list), read first. */
        JavaConstant[] debugObjects = new JavaConstant[0];
        /** Resolves the scalar-replaced objects' class mirrors to types. */
        jdk.vm.ci.meta.ConstantReflectionProvider reflection;
        /** The scalar-replaced objects of the debug info being read (value tag 6). */
        jdk.vm.ci.code.VirtualObject[] virtuals = VirtualObjects.NONE;
        int at;

        Reader(int[] plan, long[] longs, HotSpotResolvedJavaMethod[] methods, RegisterArray registers, PlatformKind word) {
            this.plan = plan;
            this.longs = longs;
            this.methods = methods;
            this.registers = registers;
            this.word = word;
        }

        int next() {
            return plan[at++];
        }

        DebugInfo debugInfo() {
            jdk.vm.ci.code.VirtualObject[] objects = VirtualObjects.read(this, reflection);
            int frames = next();
            BytecodeFrame frame = null;
            for (int f = 0; f < frames; f++) {
                HotSpotResolvedJavaMethod method = methods[next()];
                int bci = next();
                boolean reexecute = next() != 0;
                boolean rethrow = next() != 0;
                int numLocals = next();
                int numStack = next();
                int numLocks = next();
                // JVMCI reads the monitors after the locals and the stack, without slot kinds.
                JavaValue[] values = new JavaValue[numLocals + numStack + numLocks];
                JavaKind[] kinds = new JavaKind[numLocals + numStack];
                for (int i = 0; i < kinds.length; i++) {
                    kinds[i] = KINDS[next()];
                    values[i] = value(kinds[i]);
                }
                for (int i = kinds.length; i < values.length; i++) {
                    values[i] = monitor();
                }
                // JVMCI derives "reexecute" as !duringCall.
                frame = new BytecodeFrame(frame, method, bci, rethrow, !reexecute, values, kinds, numLocals, numStack, numLocks);
            }
            int refs = next();
            Location[] references = new Location[refs];
            Location[] bases = new Location[refs];
            int[] sizes = new int[refs];
            for (int i = 0; i < refs; i++) {
                boolean register = next() == 0;
                int where = next();
                references[i] = register ? Location.register(registers.get(where)) : Location.stack(where);
                sizes[i] = next() != 0 ? 4 : 8;
                if (next() != 0) {
                    // A derived pointer: the VM re-derives it from this base after a GC.
                    boolean baseInRegister = next() == 0;
                    int base = next();
                    bases[i] = baseInRegister ? Location.register(registers.get(base)) : Location.stack(base);
                }
            }
            // No mapping array when there are no objects: what JVMCI compilers pass then.
            DebugInfo info = new DebugInfo(frame, objects.length == 0 ? null : objects);
            info.setReferenceMap(new HotSpotReferenceMap(references, bases, sizes, 16));
            return info;
        }

        /**
         * A held monitor: the owner, then C2's BasicLock slot. The installer records the slot as
         * a stack location of the frame (a long: the displaced mark word), which is where the
         * VM's deoptimisation and stack walking look for the lock.
         */
        StackLockValue monitor() {
            JavaKind kind = KINDS[next()];
            if (kind != JavaKind.Object) {
                throw new IllegalArgumentException("monitor owner of kind " + kind);
            }
            JavaValue owner = value(kind);
            int slot = next();
            boolean eliminated = next() != 0;
            return new StackLockValue(owner, StackSlot.get(new SlotValueKind(jdk.vm.ci.amd64.AMD64Kind.QWORD), slot, false), eliminated);
        }

        JavaValue value(JavaKind kind) {
            int tag = next();
            switch (tag) {
                case 0:
                    return Value.ILLEGAL;
                case 1:
                    return JavaConstant.forInt(next());
                case 2:
                    return JavaConstant.forLong(longs[next()]);
                case 3:
                    return JavaConstant.NULL_POINTER;
                case 5:
                    return debugObjects[next()];
                case 6: {
                    int id = next();
                    if (kind != JavaKind.Object || id < 0 || id >= virtuals.length) {
                        throw new IllegalArgumentException("virtual object " + id + " of kind " + kind + " (" + virtuals.length + " objects)");
                    }
                    return virtuals[id];
                }
                case 4: {
                    boolean register = next() == 0;
                    int where = next();
                    boolean narrow = next() != 0;
                    PlatformKind platform = platformKind(kind, narrow);
                    SlotValueKind vk = new SlotValueKind(platform);
                    if (register) {
                        Register reg = registers.get(where);
                        return reg.asValue(vk);
                    }
                    return StackSlot.get(vk, where, false);
                }
                default:
                    throw new IllegalArgumentException("bad value tag " + tag);
            }
        }

        PlatformKind platformKind(JavaKind kind, boolean narrow) {
            switch (kind) {
                case Object:
                    return narrow ? jdk.vm.ci.amd64.AMD64Kind.DWORD : word;
                case Long:
                    return jdk.vm.ci.amd64.AMD64Kind.QWORD;
                case Float:
                    return jdk.vm.ci.amd64.AMD64Kind.SINGLE;
                case Double:
                    return jdk.vm.ci.amd64.AMD64Kind.DOUBLE;
                default:
                    return jdk.vm.ci.amd64.AMD64Kind.DWORD;
            }
        }
    }
}

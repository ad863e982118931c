package jitfleet;

import java.util.List;

import jdk.vm.ci.code.site.ConstantReference;
import jdk.vm.ci.code.site.DataPatch;
import jdk.vm.ci.code.site.Site;
import jdk.vm.ci.hotspot.HotSpotMetaspaceConstant;
import jdk.vm.ci.hotspot.HotSpotObjectConstant;
import jdk.vm.ci.hotspot.HotSpotResolvedObjectType;
import jdk.vm.ci.meta.Constant;
import jdk.vm.ci.meta.ConstantReflectionProvider;
import jdk.vm.ci.meta.JavaConstant;
import jdk.vm.ci.meta.MetaAccessProvider;
import jdk.vm.ci.meta.ResolvedJavaField;
import jdk.vm.ci.meta.ResolvedJavaType;
import jdk.vm.ci.meta.VMConstant;

/**
 * Class constants of the code ({@code Klass*} as {@code movabs} imm64 or narrow imm32): the
 * classes named after the methods in the install arguments, and the plan's klass section
 * (agent {@code install/plan.rs}) as JVMCI data patches with this JVM's metaspace constants.
 */
final class KlassConstants {
    private KlassConstants() {
    }

    /**
     * The types of entries {@code first..} of the install arguments: an empty name, the Klass
     * name ({@code java/lang/String}, {@code [Ljava/lang/String;}, {@code [I}) as descriptor, the
     * element class (null for primitive arrays).
     */
    static ResolvedJavaType[] types(MetaAccessProvider meta, Class<?>[] classes, String[] descriptors, int first) throws ClassNotFoundException {
        ResolvedJavaType[] types = new ResolvedJavaType[classes.length - first];
        for (int i = first; i < classes.length; i++) {
            String name = descriptors[i];
            ResolvedJavaType type;
            if (classes[i] == null) {
                if (!name.matches("\\[+[ZBCSIJFD]")) {
                    throw new IllegalArgumentException("no class for constant " + name);
                }
                type = meta.lookupJavaType(Class.forName(name, false, null));
            } else {
                type = meta.lookupJavaType(classes[i]);
                for (int d = 0; d < name.length() && name.charAt(d) == '['; d++) {
                    type = type.getArrayClass();
                }
            }
            String expected = name.startsWith("[") ? name : "L" + name + ";";
            if (!type.getName().equals(expected)) {
                throw new IllegalArgumentException("class constant " + name + " resolved to " + type.getName());
            }
            types[i - first] = type;
        }
        return types;
    }

    /**
     * Reads the object section (agent {@code install/plan.rs}): one data patch per instruction with
     * this JVM's object of the same identity — a class mirror, the interned string of the same
     * value, or the value of the same static final field of the (initialised) class.
     */
    static void readObjects(Installer.Reader r, ResolvedJavaType[] types, ConstantReflectionProvider reflection, List<Site> sites) {
        int patches = r.next();
        for (int i = 0; i < patches; i++) {
            int pc = r.next();
            boolean narrow = r.next() != 0;
            JavaConstant object = readObject(r, types, reflection);
            Constant value = narrow ? ((HotSpotObjectConstant) object).compress() : object;
            sites.add(new DataPatch(pc, new ConstantReference((VMConstant) value)));
        }
    }

    /** Reads the debug info's object constants: a count, then one object each. */
    static JavaConstant[] readObjectList(Installer.Reader r, ResolvedJavaType[] types, ConstantReflectionProvider reflection) {
        JavaConstant[] objects = new JavaConstant[r.next()];
        for (int i = 0; i < objects.length; i++) {
            objects[i] = readObject(r, types, reflection);
        }
        return objects;
    }

    /** One object of the plan ({@code object} in agent {@code install/plan.rs}), never null. */
    private static JavaConstant readObject(Installer.Reader r, ResolvedJavaType[] types, ConstantReflectionProvider reflection) {
        int kind = r.next();
        JavaConstant object;
        switch (kind) {
            case 0:
                object = reflection.asJavaClass(types[r.next()]);
                break;
            case 1:
                object = reflection.forString(text(r).intern());
                break;
            case 2:
                object = staticFinal(types[r.next()], text(r), text(r), reflection);
                break;
            default:
                throw new IllegalArgumentException("bad object constant kind " + kind);
        }
        if (object == null || object.isNull()) {
            throw new IllegalArgumentException("object constant of kind " + kind + " resolved to null");
        }
        return object;
    }

    private static String text(Installer.Reader r) {
        int n = r.next();
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            chars[i] = (char) r.next();
        }
        return new String(chars);
    }

    /**
     * The value of static final field {@code name} of {@code type}, read through JVMCI (no access
     * checks, no class initialisation): the class must already be initialised, as in the donor.
     */
    private static JavaConstant staticFinal(ResolvedJavaType type, String name, String descriptor, ConstantReflectionProvider reflection) {
        if (!type.isInitialized()) {
            throw new IllegalStateException(type.getName() + " is not initialised (static final " + name + ")");
        }
        for (ResolvedJavaField field : type.getStaticFields()) {
            if (field.getName().equals(name) && field.getType().getName().equals(descriptor)) {
                if (!field.isFinal()) {
                    throw new IllegalStateException(type.getName() + "." + name + " is not final");
                }
                return reflection.readFieldValue(field, null);
            }
        }
        throw new IllegalArgumentException("no static field " + type.getName() + "." + name + ":" + descriptor);
    }

    /** Reads the klass section and adds one data patch per instruction. */
    static void read(Installer.Reader r, ResolvedJavaType[] types, List<Site> sites) {
        int patches = r.next();
        for (int i = 0; i < patches; i++) {
            int pc = r.next();
            HotSpotResolvedObjectType type = (HotSpotResolvedObjectType) types[r.next()];
            boolean narrow = r.next() != 0;
            Constant klass = type.klass();
            if (narrow) {
                klass = ((HotSpotMetaspaceConstant) klass).compress();
            }
            sites.add(new DataPatch(pc, new ConstantReference((VMConstant) klass)));
        }
    }
}

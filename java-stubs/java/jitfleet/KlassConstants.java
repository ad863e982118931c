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

    /** Reads the mirror section: the class mirror of a type as an object constant, one data patch per instruction. */
    static void readMirrors(Installer.Reader r, ResolvedJavaType[] types, ConstantReflectionProvider reflection, List<Site> sites) {
        int patches = r.next();
        for (int i = 0; i < patches; i++) {
            int pc = r.next();
            JavaConstant mirror = reflection.asJavaClass(types[r.next()]);
            boolean narrow = r.next() != 0;
            Constant value = narrow ? ((HotSpotObjectConstant) mirror).compress() : mirror;
            sites.add(new DataPatch(pc, new ConstantReference((VMConstant) value)));
        }
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

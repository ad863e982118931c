package jitfleet;

import jdk.vm.ci.hotspot.HotSpotResolvedJavaMethod;
import jdk.vm.ci.meta.Assumptions.Assumption;
import jdk.vm.ci.meta.Assumptions.ConcreteMethod;
import jdk.vm.ci.meta.Assumptions.ConcreteSubtype;
import jdk.vm.ci.meta.Assumptions.LeafType;
import jdk.vm.ci.meta.Assumptions.NoFinalizableSubclass;
import jdk.vm.ci.meta.ResolvedJavaType;

/**
 * The C2 dependencies of a portable nmethod as JVMCI assumptions: JVMCI validates them when it
 * installs the code and records them, so that loading a class that breaks one deoptimises the
 * code. Reads the plan section the agent appends last ({@code install/preconditions.rs},
 * {@code assumption_plan}): {@code n (kind index*)*}, indices into the helper's entries.
 */
final class Assumptions {
    private Assumptions() {
    }

    /**
     * Reads the section at {@code at}; no section (an older agent) means no assumptions.
     *
     * @param types the type of every helper entry
     * @param methods the method of every helper entry, null for type-only entries
     */
    static Assumption[] read(int[] plan, int at, ResolvedJavaType[] types, HotSpotResolvedJavaMethod[] methods) {
        if (at >= plan.length) {
            return new Assumption[0];
        }
        Assumption[] out = new Assumption[plan[at++]];
        for (int i = 0; i < out.length; i++) {
            int kind = plan[at++];
            switch (kind) {
                case 0:
                    out[i] = new LeafType(types[plan[at++]]);
                    break;
                case 1:
                    out[i] = new ConcreteSubtype(types[plan[at++]], types[plan[at++]]);
                    break;
                case 2: {
                    ResolvedJavaType context = types[plan[at++]];
                    HotSpotResolvedJavaMethod method = method(methods, plan[at++]);
                    out[i] = new ConcreteMethod(method, context, method(methods, plan[at++]));
                    break;
                }
                case 3:
                    out[i] = new NoFinalizableSubclass(types[plan[at++]]);
                    break;
                default:
                    throw new IllegalArgumentException("bad assumption kind " + kind);
            }
        }
        if (at != plan.length) {
            throw new IllegalArgumentException("plan has " + (plan.length - at) + " ints after the assumptions");
        }
        return out;
    }

    private static HotSpotResolvedJavaMethod method(HotSpotResolvedJavaMethod[] methods, int index) {
        HotSpotResolvedJavaMethod m = methods[index];
        if (m == null) {
            throw new IllegalArgumentException("assumption entry " + index + " names no method");
        }
        return m;
    }
}

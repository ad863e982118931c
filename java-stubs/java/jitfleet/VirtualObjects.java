package jitfleet;

import jdk.vm.ci.code.VirtualObject;
import jdk.vm.ci.meta.ConstantReflectionProvider;
import jdk.vm.ci.meta.JavaKind;
import jdk.vm.ci.meta.JavaValue;
import jdk.vm.ci.meta.ResolvedJavaField;
import jdk.vm.ci.meta.ResolvedJavaType;

/**
 * The scalar-replaced objects of one safepoint (the plan's {@code n_vobj} list, agent
 * {@code install/plan.rs}) as JVMCI {@code VirtualObject}s, whose ids are their positions: the
 * installer's {@code record_virtual_objects} indexes its mapping array by id.
 *
 * <p>Each object is checked against this JVM's class before it is used: deoptimisation of JVMCI
 * code stores the values into ALL instance fields by increasing offset, injected VM fields
 * included ({@code reassign_fields_by_klass} with {@code skip_internal} false), which is what
 * {@code getInstanceFields(true)} lists — while C2 described only the Java fields. So the values
 * must match those fields one for one in kind (int/float and long/double being the same slots
 * to the installer), and array elements the component kind; anything else fails the install.
 */
final class VirtualObjects {
    private VirtualObjects() {
    }

    static final VirtualObject[] NONE = new VirtualObject[0];

    /**
     * Reads one list: the headers (class mirror, auto-box flag) first, so that values may refer
     * to any object of the list, then each object's values.
     */
    static VirtualObject[] read(Installer.Reader r, ConstantReflectionProvider reflection) {
        int n = r.next();
        if (n == 0) {
            return NONE;
        }
        VirtualObject[] objects = new VirtualObject[n];
        for (int i = 0; i < n; i++) {
            int mirror = r.next();
            boolean autoBox = r.next() != 0;
            ResolvedJavaType type = reflection.asJavaType(r.debugObjects[mirror]);
            if (type == null) {
                throw new IllegalArgumentException("virtual object " + i + ": class constant " + mirror + " is not a class here");
            }
            objects[i] = VirtualObject.get(type, i, autoBox);
        }
        r.virtuals = objects;
        for (VirtualObject o : objects) {
            int count = r.next();
            JavaValue[] values = new JavaValue[count];
            JavaKind[] kinds = new JavaKind[count];
            for (int j = 0; j < count; j++) {
                kinds[j] = Installer.KINDS[r.next()];
                values[j] = r.value(kinds[j]);
            }
            check(o.getType(), kinds);
            o.setValues(values, kinds);
        }
        return objects;
    }

    /** Whether a value of kind {@code value} fills a field or element of kind {@code field}. */
    static boolean fits(JavaKind value, JavaKind field) {
        switch (field.getStackKind()) {
            case Int:
            case Float:
                return value == JavaKind.Int || value == JavaKind.Float;
            case Long:
            case Double:
                return value == JavaKind.Long || value == JavaKind.Double;
            case Object:
                return value == JavaKind.Object;
            default:
                return false;
        }
    }

    private static void check(ResolvedJavaType type, JavaKind[] kinds) {
        if (type.isArray()) {
            JavaKind element = type.getComponentType().getJavaKind();
            for (int i = 0; i < kinds.length; i++) {
                if (!fits(kinds[i], element)) {
                    throw new IllegalArgumentException("virtual " + type.getName() + ": element " + i + " of kind " + kinds[i]);
                }
            }
            return;
        }
        ResolvedJavaField[] fields = type.getInstanceFields(true);
        if (fields.length != kinds.length) {
            throw new IllegalArgumentException("virtual " + type.getName() + ": " + kinds.length + " values for " + fields.length
                            + " instance fields (injected VM fields?)");
        }
        for (int i = 0; i < kinds.length; i++) {
            if (!fits(kinds[i], fields[i].getJavaKind())) {
                throw new IllegalArgumentException("virtual " + type.getName() + ": field " + fields[i].getName() + " given kind " + kinds[i]);
            }
        }
    }
}

// Dumps C2 nmethods of a live HotSpot 17 JVM through the Serviceability Agent, in the line
// format relocator/tests/golden.rs reads: the layout, every section's bytes, the oops and
// metadata tables, and SA's own decoding of PcDescs/scopes and oop maps as an independent
// oracle. Usage: java --add-modules jdk.hotspot.agent --add-exports ... SaDump PID MAX OUT
import java.io.*;
import java.util.*;
import sun.jvm.hotspot.HotSpotAgent;
import sun.jvm.hotspot.code.*;
import sun.jvm.hotspot.compiler.*;
import sun.jvm.hotspot.debugger.Address;
import sun.jvm.hotspot.runtime.VM;
import sun.jvm.hotspot.types.*;

public class SaDump {
    static TypeDataBase db;

    static long intField(String type, String field, Address a) {
        return db.lookupType(type).getCIntegerField(field).getValue(a);
    }

    static Address addrField(String type, String field, Address a) {
        return db.lookupType(type).getAddressField(field).getValue(a);
    }

    static long off(Address a, Address base) {
        return a == null ? -1 : a.minus(base);
    }

    static String hex(Address from, long len) {
        StringBuilder sb = new StringBuilder();
        for (long i = 0; i < len; i++) {
            sb.append(String.format("%02x", from.getJByteAt(i) & 0xff));
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    static String words(Address from, long count) {
        StringBuilder sb = new StringBuilder();
        for (long i = 0; i < count; i++) {
            if (i > 0) sb.append(',');
            Address w = from.getAddressAt(i * 8);
            sb.append(w == null ? "0" : Long.toHexString(w.asLongValue()));
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    static int size(List<?> l) { return l == null ? 0 : l.size(); }

    public static void main(String[] args) throws Exception {
        int pid = Integer.parseInt(args[0]);
        int max = Integer.parseInt(args[1]);
        HotSpotAgent agent = new HotSpotAgent();
        agent.attach(pid);
        try (PrintStream out = new PrintStream(new FileOutputStream(args[2]))) {
            db = VM.getVM().getTypeDataBase();
            long dataEndOffset = db.lookupType("CodeBlob").getAddressField("_data_end").getOffset();
            List<NMethod> nms = new ArrayList<>();
            VM.getVM().getCodeCache().iterate(new CodeCacheVisitor() {
                public void prologue(Address start, Address end) {}
                public void epilogue() {}
                public void visit(CodeBlob cb) {
                    NMethod nm = cb.asNMethodOrNull();
                    if (nm != null && intField("nmethod", "_comp_level", nm.getAddress()) == 4
                            && intField("nmethod", "_state", nm.getAddress()) == 0) {
                        nms.add(nm);
                    }
                }
            });
            // Largest first: they exercise the most.
            nms.sort((a, b) -> Integer.compare(b.getSize(), a.getSize()));
            int written = 0;
            for (NMethod nm : nms) {
                if (written >= max) break;
                try {
                    StringBuilder sb = new StringBuilder();
                    dump(nm, dataEndOffset, sb);
                    out.print(sb);
                    written++;
                } catch (Exception e) {
                    System.err.println("skipped " + nm.getMethod().externalNameAndSignature() + ": " + e);
                }
            }
            System.err.println("dumped " + written + " of " + nms.size() + " C2 nmethods");
        } finally {
            agent.detach();
        }
    }

    static void dump(NMethod nm, long dataEndOffset, StringBuilder sb) {
        Address h = nm.getAddress();
        Address relBegin = h.getAddressAt(dataEndOffset + 8);
        Address relEnd = h.getAddressAt(dataEndOffset + 16);
        Address deoptMh = addrField("CompiledMethod", "_deopt_mh_handler_begin", h);
        sb.append("nmethod ").append(nm.getMethod().externalNameAndSignature().replace(' ', '_')).append('\n');
        sb.append("address ").append(Long.toHexString(h.asLongValue())).append('\n');
        sb.append("layout")
          .append(" size=").append(nm.getSize())
          .append(" header_size=").append(nm.getHeaderSize())
          .append(" relocation_begin=").append(off(relBegin, h))
          .append(" relocation_end=").append(off(relEnd, h))
          .append(" consts_offset=").append(intField("nmethod", "_consts_offset", h))
          .append(" code_offset=").append(off(nm.codeBegin(), h))
          .append(" stub_offset=").append(intField("nmethod", "_stub_offset", h))
          .append(" oops_offset=").append(intField("nmethod", "_oops_offset", h))
          .append(" metadata_offset=").append(intField("nmethod", "_metadata_offset", h))
          .append(" scopes_data_offset=").append(off(addrField("CompiledMethod", "_scopes_data_begin", h), h))
          .append(" scopes_pcs_offset=").append(intField("nmethod", "_scopes_pcs_offset", h))
          .append(" dependencies_offset=").append(intField("nmethod", "_dependencies_offset", h))
          .append(" handler_table_offset=").append(intField("nmethod", "_handler_table_offset", h))
          .append(" nul_chk_table_offset=").append(intField("nmethod", "_nul_chk_table_offset", h))
          .append(" nmethod_end_offset=").append(intField("nmethod", "_nmethod_end_offset", h))
          .append(" entry_point=").append(off(nm.getEntryPoint(), h))
          .append(" verified_entry_point=").append(off(nm.getVerifiedEntryPoint(), h))
          .append(" osr_entry_point=").append(off(addrField("nmethod", "_osr_entry_point", h), h))
          .append(" exception_offset=").append(intField("nmethod", "_exception_offset", h))
          .append(" deopt_handler_offset=").append(off(addrField("CompiledMethod", "_deopt_handler_begin", h), h))
          .append(" deopt_mh_handler_offset=").append(off(deoptMh, h))
          .append(" frame_complete_offset=").append(nm.getFrameCompleteOffset())
          .append(" frame_size_words=").append(nm.getFrameSizeWords())
          .append(" orig_pc_offset=").append(nm.origPCOffset())
          .append(" comp_level=").append(intField("nmethod", "_comp_level", h))
          .append(" entry_bci=").append(intField("nmethod", "_entry_bci", h))
          .append('\n');
        sect(sb, "relocations", relBegin, relEnd);
        sect(sb, "consts", nm.constantsBegin(), nm.codeBegin());
        sect(sb, "insts", nm.instsBegin(), nm.instsEnd());
        sect(sb, "stubs", nm.stubBegin(), nm.stubEnd());
        sect(sb, "scopes_data", nm.scopesDataBegin(), nm.scopesDataEnd());
        sect(sb, "scopes_pcs", nm.scopesPCsBegin(), nm.scopesPCsEnd());
        sect(sb, "dependencies", nm.dependenciesBegin(), nm.dependenciesEnd());
        sect(sb, "handler_table", nm.handlerTableBegin(), nm.handlerTableEnd());
        sect(sb, "nul_chk_table", nm.nulChkTableBegin(), nm.nulChkTableEnd());
        Address oms = addrField("CodeBlob", "_oop_maps", h);
        sb.append("section oop_maps ").append(oms == null ? "-" : hex(oms, oms.getJIntAt(4))).append('\n');
        sb.append("oops ").append(words(nm.oopsBegin(), nm.getOopsLength())).append('\n');
        sb.append("metadata ").append(words(nm.metadataBegin(), nm.getMetadataLength())).append('\n');
        // SA's own view of the debug information, the oracle.
        for (Address p = nm.scopesPCsBegin(); p.lessThan(nm.scopesPCsEnd()); p = p.addOffsetTo(16)) {
            PCDesc pd = new PCDesc(p);
            sb.append("pc ").append(pd.getPCOffset());
            if (pd.getScopeDecodeOffset() != 0) {
                ScopeDesc sd = new ScopeDesc(nm, pd.getScopeDecodeOffset(), pd.getObjDecodeOffset(), pd.getReexecute());
                sb.append(" objects=").append(size(sd.getObjects()));
                for (; sd != null; sd = sd.sender()) {
                    sb.append(' ').append(Long.toHexString(sd.getMethod().getAddress().asLongValue()))
                      .append(':').append(sd.getBCI())
                      .append(':').append(size(sd.getLocals()))
                      .append(':').append(size(sd.getExpressions()))
                      .append(':').append(size(sd.getMonitors()));
                }
            }
            sb.append('\n');
            if (pd.getScopeDecodeOffset() != 0) {
                ScopeDesc sd = new ScopeDesc(nm, pd.getScopeDecodeOffset(), pd.getObjDecodeOffset(), pd.getReexecute());
                if (sd.getObjects() != null) {
                    for (ObjectValue o : sd.getObjects()) {
                        sb.append("obj ").append(pd.getPCOffset()).append(' ').append(o.id())
                          .append(' ').append(value(o.getKlass()));
                        for (ScopeValue f : o.getFieldsValue()) sb.append(' ').append(value(f));
                        sb.append('\n');
                    }
                }
                for (int depth = 0; sd != null; sd = sd.sender(), depth++) {
                    sb.append("vals ").append(pd.getPCOffset()).append(' ').append(depth);
                    if (sd.getLocals() != null) for (ScopeValue v : sd.getLocals()) sb.append(" l:").append(value(v));
                    if (sd.getExpressions() != null) for (ScopeValue v : sd.getExpressions()) sb.append(" e:").append(value(v));
                    if (sd.getMonitors() != null) for (MonitorValue m : sd.getMonitors()) {
                        sb.append(" m:").append(value(m.owner())).append('|').append(location(m.basicLock()))
                          .append('|').append(m.eliminated() ? 1 : 0);
                    }
                    sb.append('\n');
                }
            }
        }
        if (oms != null) {
            ImmutableOopMapSet set = new ImmutableOopMapSet(oms);
            for (int i = 0; i < set.getCount(); i++) {
                ImmutableOopMapPair pair = set.getPairAt(i);
                int count = 0;
                for (OopMapStream s = new OopMapStream(set.getMap(pair)); !s.isDone(); s.next()) count++;
                sb.append("oopmap ").append(pair.getPC()).append(' ').append(count).append('\n');
            }
        }
        sb.append("end\n");
    }

    /** Location as "L<type>/<where>/<offset field>", the raw bit fields of location.hpp. */
    static String location(Location l) {
        return "L" + l.getType().getValue() + "/" + l.getWhere().getValue() + "/" + (l.getOffset() & 0xffff);
    }

    /** A scope value in the token form relocator/tests/golden.rs produces from its own decoding. */
    static String value(ScopeValue v) {
        if (v == null) return "?";
        if (v.isLocation()) return location(((LocationValue) v).getLocation());
        if (v.isConstantInt()) return "I" + ((ConstantIntValue) v).getValue();
        if (v.isConstantLong()) return "J" + ((ConstantLongValue) v).getValue();
        if (v.isConstantDouble()) return "D" + Long.toHexString(Double.doubleToRawLongBits(((ConstantDoubleValue) v).getValue()));
        if (v.isConstantOop()) return "O";
        if (v.isObject()) return "obj" + ((ObjectValue) v).id();
        return "?" + v.getClass().getSimpleName();
    }

    static void sect(StringBuilder sb, String name, Address b, Address e) {
        sb.append("section ").append(name).append(' ').append(hex(b, e.minus(b))).append('\n');
    }
}

//! The flat plan handed to `jitfleet.Installer.install` (java-stubs/java/jitfleet/Installer.java):
//! a portable nmethod whose runtime targets are resolved to this JVM's addresses, written as
//! an `int[]` stream plus a `long[]` pool for 64-bit operands. Both sides must agree on
//! [`PLAN_VERSION`]; the layout is documented here and read by `Installer.Reader`.
//!
//! ```text
//! version frame_size orig_pc_offset entry_bci
//! n_dobj    object*                          object constants of the debug info (value tag 5)
//! n_marks   (pc mark)*                       mark = MarkKind order of MARKS in Installer
//! n_calls   (pc long_index has_debug debug?)*
//! n_polls   (pc debug)*
//! n_checks  (pc continuation debug)*             implicit null/div0 checks
//! n_handlers (return_pc handler_pc)*             one exception handler per call return pc
//! n_java    (pc kind ic_pc returns_oop debug)*   kind 0 static, 1 special, 2 virtual; ic_pc -1 if none
//! n_klass   (pc klass narrow)*                   klass = index of the Klass constant (see Installer)
//! n_object  (pc narrow object)*                   object constants (plan 4; mirrors only before)
//! n_method  (pc entry)*                          Method* constants (plan 7): entry = the helper
//!                                                entry of the method, numbered after the
//!                                                nmethod's methods ([`method_constants`] order)
//! object = 0 klass                                   the mirror of that class
//!        | 1 text                                    the interned string
//!        | 2 klass text(name) text(descriptor)       the value of that class's static final field
//! text   = n_chars char*                             UTF-16 code units
//! debug  = n_vobj (mirror auto_box)* (n_fields (kind value)*)*   scalar-replaced objects (plan 6):
//!                                                    id = position, mirror = dobj index of the class;
//!                                                    all headers first: values may name any object
//!          n_frames (method bci reexecute rethrow n_locals n_stack n_locks (kind value)* monitor*)*
//!          n_refs (place_tag where narrow has_base (place_tag where)?)*   frames outermost first;
//!                                                    has_base 1: a derived pointer and its base oop (plan 5)
//! monitor = kind value slot eliminated               owner (kind object), BasicLock bytes from SP (plan 5)
//! value  = 0 | 1 int | 2 long_index | 3 | 4 place_tag where narrow | 5 dobj | 6 vobj
//!          (illegal, int, long, null, at, object constant: index into the n_dobj list,
//!          scalar-replaced object: index into this debug's n_vobj list)
//! place_tag = 0 register (JVMCI number) | 1 stack (bytes from SP)
//! kind   = SlotKind order: int long float double object illegal
//! ```

use jitfleet_relocator::portable::*;

/// Must equal `Installer.PLAN_VERSION`.
pub const PLAN_VERSION: i32 = 7;

/// A plan ready for JNI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub ints: Vec<i32>,
    pub longs: Vec<i64>,
}

/// Why a plan could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("runtime target {0:?} does not exist in this JVM")]
    Unresolved(RuntimeTarget),
    #[error("value {0} does not fit the plan's 32-bit slots")]
    TooLarge(u64),
}

/// Builds the plan; `resolve` gives this JVM's address of a runtime target.
pub fn build_plan(nm: &PortableNmethod, resolve: &dyn Fn(&RuntimeTarget) -> Option<u64>) -> Result<Plan, PlanError> {
    let mut w = Writer::default();
    w.int(PLAN_VERSION);
    w.u32(nm.frame_size_bytes)?;
    w.u32(nm.orig_pc_offset)?;
    w.int(nm.entry_bci);
    w.len(nm.debug_objects.len())?;
    for o in &nm.debug_objects {
        w.object(o)?;
    }
    w.len(nm.marks.len())?;
    for (pc, mark) in &nm.marks {
        w.u32(*pc)?;
        w.int(mark_code(*mark));
    }
    w.len(nm.foreign_calls.len())?;
    for call in &nm.foreign_calls {
        let address = resolve(&call.target).ok_or_else(|| PlanError::Unresolved(call.target.clone()))?;
        w.u32(call.pc)?;
        let index = w.long(address as i64)?;
        w.int(index);
        match &call.debug {
            Some(d) => {
                w.int(1);
                w.debug(d)?;
            }
            None => w.int(0),
        }
    }
    w.len(nm.polls.len())?;
    for poll in &nm.polls {
        w.u32(poll.pc)?;
        w.debug(&poll.debug)?;
    }
    w.len(nm.implicit_checks.len())?;
    for check in &nm.implicit_checks {
        w.u32(check.pc)?;
        w.u32(check.continuation)?;
        w.debug(&check.debug)?;
    }
    w.len(nm.exception_handlers.len())?;
    for &(ret, handler) in &nm.exception_handlers {
        w.u32(ret)?;
        w.u32(handler)?;
    }
    w.len(nm.java_calls.len())?;
    for call in &nm.java_calls {
        w.u32(call.pc)?;
        w.int(match call.kind {
            JavaCallKind::Static => 0,
            JavaCallKind::Special => 1,
            JavaCallKind::Virtual => 2,
        });
        match call.inline_cache {
            Some(ic) => w.u32(ic)?,
            None => w.int(-1),
        }
        w.int(i32::from(call.returns_oop));
        w.debug(&call.debug)?;
    }
    w.len(nm.klass_patches.len())?;
    for p in &nm.klass_patches {
        w.u32(p.pc)?;
        w.u32(p.klass)?;
        w.int(i32::from(p.narrow));
    }
    w.len(nm.object_patches.len())?;
    for p in &nm.object_patches {
        w.u32(p.pc)?;
        w.int(i32::from(p.narrow));
        w.object(&p.object)?;
    }
    let constants = method_constants(nm);
    w.len(nm.method_patches.len())?;
    for p in &nm.method_patches {
        w.u32(p.pc)?;
        let at = constants.iter().position(|m| *m == &p.method).unwrap_or_default();
        w.len(nm.methods.len() + at)?;
    }
    Ok(Plan { ints: w.ints, longs: w.longs })
}

/// The methods of the code's `Method*` constants, each once, in the order of their helper
/// entries (right after the nmethod's own methods).
pub fn method_constants(nm: &PortableNmethod) -> Vec<&MethodRef> {
    let mut methods: Vec<&MethodRef> = Vec::new();
    for p in &nm.method_patches {
        if !methods.contains(&&p.method) {
            methods.push(&p.method);
        }
    }
    methods
}

fn mark_code(mark: MarkKind) -> i32 {
    match mark {
        MarkKind::VerifiedEntry => 0,
        MarkKind::UnverifiedEntry => 1,
        MarkKind::OsrEntry => 2,
        MarkKind::ExceptionHandlerEntry => 3,
        MarkKind::DeoptHandlerEntry => 4,
        MarkKind::FrameComplete => 5,
        MarkKind::PollFar => 6,
        MarkKind::PollReturnFar => 7,
    }
}

fn kind_code(kind: SlotKind) -> i32 {
    match kind {
        SlotKind::Int => 0,
        SlotKind::Long => 1,
        SlotKind::Float => 2,
        SlotKind::Double => 3,
        SlotKind::Object => 4,
        SlotKind::Illegal => 5,
    }
}

#[derive(Default)]
struct Writer {
    ints: Vec<i32>,
    longs: Vec<i64>,
}

impl Writer {
    fn int(&mut self, v: i32) {
        self.ints.push(v);
    }

    fn u32(&mut self, v: u32) -> Result<(), PlanError> {
        self.ints.push(i32::try_from(v).map_err(|_| PlanError::TooLarge(u64::from(v)))?);
        Ok(())
    }

    fn len(&mut self, n: usize) -> Result<(), PlanError> {
        self.ints.push(i32::try_from(n).map_err(|_| PlanError::TooLarge(n as u64))?);
        Ok(())
    }

    fn object(&mut self, o: &ObjectSymbol) -> Result<(), PlanError> {
        match o {
            ObjectSymbol::Mirror(klass) => {
                self.int(0);
                self.u32(*klass)?;
            }
            ObjectSymbol::Str(units) => {
                self.int(1);
                self.text(units.iter().copied())?;
            }
            ObjectSymbol::StaticFinal { holder, name, descriptor } => {
                self.int(2);
                self.u32(*holder)?;
                self.text(name.encode_utf16())?;
                self.text(descriptor.encode_utf16())?;
            }
        }
        Ok(())
    }

    /// A length, then one int per UTF-16 code unit.
    fn text(&mut self, units: impl Iterator<Item = u16>) -> Result<(), PlanError> {
        let units: Vec<u16> = units.collect();
        self.len(units.len())?;
        self.ints.extend(units.iter().map(|&u| i32::from(u)));
        Ok(())
    }

    fn long(&mut self, v: i64) -> Result<i32, PlanError> {
        self.longs.push(v);
        i32::try_from(self.longs.len() - 1).map_err(|_| PlanError::TooLarge(self.longs.len() as u64))
    }

    fn place(&mut self, place: Place) -> Result<(), PlanError> {
        match place {
            Place::Register(r) => {
                self.int(0);
                self.int(i32::from(r));
            }
            Place::Stack(offset) => {
                self.int(1);
                self.u32(offset)?;
            }
        }
        Ok(())
    }

    fn debug(&mut self, d: &PortableDebugInfo) -> Result<(), PlanError> {
        self.len(d.objects.len())?;
        for o in &d.objects {
            self.u32(o.mirror)?;
            self.int(i32::from(o.auto_box));
        }
        for o in &d.objects {
            self.len(o.fields.len())?;
            for v in &o.fields {
                self.value(v)?;
            }
        }
        self.len(d.frames.len())?;
        for f in &d.frames {
            self.u32(f.method)?;
            self.int(f.bci);
            self.int(i32::from(f.reexecute));
            self.int(i32::from(f.rethrow_exception));
            self.len(f.locals.len())?;
            self.len(f.stack.len())?;
            self.len(f.monitors.len())?;
            for v in f.locals.iter().chain(&f.stack) {
                self.value(v)?;
            }
            for m in &f.monitors {
                self.value(&m.owner)?;
                self.u32(m.slot)?;
                self.int(i32::from(m.eliminated));
            }
        }
        self.len(d.references.len())?;
        for r in &d.references {
            self.place(r.place)?;
            self.int(i32::from(r.narrow));
            match r.base {
                Some(base) => {
                    self.int(1);
                    self.place(base)?;
                }
                None => self.int(0),
            }
        }
        Ok(())
    }

    fn value(&mut self, v: &PortableValue) -> Result<(), PlanError> {
        match *v {
            PortableValue::Illegal => {
                self.int(kind_code(SlotKind::Illegal));
                self.int(0);
            }
            PortableValue::Int(i) => {
                self.int(kind_code(SlotKind::Int));
                self.int(1);
                self.int(i);
            }
            PortableValue::Long(l) => {
                self.int(kind_code(SlotKind::Long));
                self.int(2);
                let index = self.long(l)?;
                self.int(index);
            }
            PortableValue::Null => {
                self.int(kind_code(SlotKind::Object));
                self.int(3);
            }
            PortableValue::At { place, kind, narrow } => {
                self.int(kind_code(kind));
                self.int(4);
                self.place(place)?;
                self.int(i32::from(narrow));
            }
            PortableValue::Object(index) => {
                self.int(kind_code(SlotKind::Object));
                self.int(5);
                self.u32(index)?;
            }
            PortableValue::Virtual(index) => {
                self.int(kind_code(SlotKind::Object));
                self.int(6);
                self.u32(index)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method(name: &str) -> MethodRef {
        let class = ClassRef { name: "java/lang/Object".into(), loader: "boot".into(), bytes_hash: Some([1; 32]) };
        MethodRef { class, name: name.into(), descriptor: "()I".into() }
    }

    fn nmethod() -> PortableNmethod {
        PortableNmethod {
            compat_key: [0; 32],
            compat_id: String::new(),
            methods: vec![method("root")],
            entry_bci: -1,
            compile_id: 1,
            code: vec![],
            frame_size_bytes: 48,
            orig_pc_offset: 16,
            marks: vec![(0, MarkKind::VerifiedEntry), (9, MarkKind::PollFar)],
            foreign_calls: vec![ForeignCall {
                pc: 30,
                target: RuntimeTarget::CodeBlob { name: "UncommonTrapBlob".into(), ordinal: 0, offset: 0 },
                debug: None,
            }],
            polls: vec![PollSite {
                pc: 9,
                debug: PortableDebugInfo {
                    frames: vec![PortableFrame {
                        method: 0,
                        bci: 12,
                        reexecute: false,
                        rethrow_exception: false,
                        locals: vec![
                            PortableValue::Int(-3),
                            PortableValue::At { place: Place::Register(16), kind: SlotKind::Double, narrow: false },
                            PortableValue::Illegal,
                        ],
                        stack: vec![PortableValue::Null, PortableValue::Virtual(0)],
                        monitors: vec![PortableMonitor { owner: PortableValue::Object(0), slot: 24, eliminated: true }],
                    }],
                    references: vec![
                        PortableReference { place: Place::Stack(8), narrow: true, base: None },
                        PortableReference { place: Place::Register(3), narrow: false, base: Some(Place::Register(5)) },
                    ],
                    objects: vec![PortableVirtualObject {
                        mirror: 0,
                        auto_box: true,
                        fields: vec![PortableValue::Int(5), PortableValue::Long(-2), PortableValue::Virtual(0)],
                    }],
                },
            }],
            implicit_checks: vec![ImplicitCheckSite {
                pc: 40,
                continuation: 60,
                debug: PortableDebugInfo {
                    frames: vec![PortableFrame {
                        method: 0,
                        bci: 3,
                        reexecute: false,
                        rethrow_exception: false,
                        locals: vec![],
                        stack: vec![],
                        monitors: vec![],
                    }],
                    references: vec![],
                    objects: vec![],
                },
            }],
            global_patches: vec![],
            exception_handlers: vec![(35, 70)],
            java_calls: vec![JavaCall {
                pc: 50,
                kind: JavaCallKind::Virtual,
                inline_cache: Some(40),
                returns_oop: true,
                debug: PortableDebugInfo { frames: vec![], references: vec![], objects: vec![] },
            }],
            klasses: vec![KlassConstant { name: "[I".into(), element: None }],
            klass_patches: vec![KlassPatch { pc: 60, klass: 0, narrow: true }],
            // Two guards of one method share its entry; another method gets the next.
            method_patches: vec![
                MethodPatch { pc: 90, method: method("hashCode") },
                MethodPatch { pc: 95, method: method("clone") },
                MethodPatch { pc: 99, method: method("hashCode") },
            ],
            object_patches: vec![
                ObjectPatch { pc: 70, object: ObjectSymbol::Mirror(0), narrow: false },
                ObjectPatch { pc: 80, object: ObjectSymbol::Str(vec![104, 105]), narrow: true },
            ],
            debug_objects: vec![ObjectSymbol::Str(vec![105])],
            facts: Default::default(),
        }
    }

    #[test]
    fn the_plan_has_the_documented_layout() {
        let plan = build_plan(&nmethod(), &|_| Some(0x7f00_0000_1000)).unwrap();
        #[rustfmt::skip]
        let expected = vec![
            PLAN_VERSION, 48, 16, -1,
            1, 1, 1, 105,
            2, 0, 0, 9, 6,
            1, 30, 0, 0,
            1, 9,
            1, 0, 1, 3, 0, 1, 5, 1, 2, 1, 4, 6, 0,
            1, 0, 12, 0, 0, 3, 2, 1,
            0, 1, -3,
            3, 4, 0, 16, 0,
            5, 0,
            4, 3,
            4, 6, 0,
            4, 5, 0, 24, 1,
            2, 1, 8, 1, 0, 0, 3, 0, 1, 0, 5,
            1, 40, 60, 0, 1, 0, 3, 0, 0, 0, 0, 0, 0,
            1, 35, 70,
            1, 50, 2, 40, 1, 0, 0, 0,
            1, 60, 0, 1,
            2, 70, 0, 0, 0, 80, 1, 1, 2, 104, 105,
            3, 90, 1, 95, 2, 99, 1,
        ];
        assert_eq!(plan.ints, expected);
        assert_eq!(plan.longs, vec![0x7f00_0000_1000, -2]);
    }

    #[test]
    fn virtual_object_headers_precede_all_values_so_values_may_name_later_objects() {
        let mut nm = nmethod();
        nm.foreign_calls.clear();
        nm.implicit_checks.clear();
        nm.java_calls.clear();
        nm.exception_handlers.clear();
        nm.klass_patches.clear();
        nm.object_patches.clear();
        nm.method_patches.clear();
        nm.marks.clear();
        nm.debug_objects.clear();
        nm.polls[0].debug = PortableDebugInfo {
            frames: vec![],
            references: vec![],
            objects: vec![
                // Object 0 holds object 1 (described after it), which refers back to 0.
                PortableVirtualObject { mirror: 3, auto_box: false, fields: vec![PortableValue::Virtual(1)] },
                PortableVirtualObject { mirror: 4, auto_box: true, fields: vec![PortableValue::Virtual(0), PortableValue::Null] },
            ],
        };
        let plan = build_plan(&nm, &|_| None).unwrap();
        #[rustfmt::skip]
        let expected = vec![
            PLAN_VERSION, 48, 16, -1,
            0, 0, 0,
            1, 9,
            2, 3, 0, 4, 1,
            1, 4, 6, 1,
            2, 4, 6, 0, 4, 3,
            0, 0,
            0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(plan.ints, expected);
    }

    #[test]
    fn an_unresolvable_target_stops_the_plan() {
        let e = build_plan(&nmethod(), &|_| None).unwrap_err();
        assert!(matches!(e, PlanError::Unresolved(RuntimeTarget::CodeBlob { .. })));
    }
}

//! The Rust side of the signatures printed by `signatures.cpp`; see `../layout.rs`.
//! Keep the lists in step with `signatures.cpp`.

use core::mem::size_of;
use std::collections::BTreeMap;

use jvmti_sys::*;

/// A parameter or return type, coded as in `signatures.cpp`: kind * 100 + size.
trait CType {
    const CODE: i64;
}

macro_rules! c_types {
    ($kind:literal: $($ty:ty),* $(,)?) => {
        $( impl CType for $ty { const CODE: i64 = $kind * 100 + size_of::<$ty>() as i64; } )*
    };
}

c_types!(1: i8, i16, i32, i64);
c_types!(2: u8, u16, u32, u64);
c_types!(3: f32, f64);
// Function pointers that are themselves parameters (of RunAgentThread, SetExtensionEventCallback
// and the JVMTI 1.0 heap iteration functions).
c_types!(
    4: jvmtiStartFunction,
    jvmtiExtensionEvent,
    jvmtiHeapObjectCallback,
    jvmtiHeapRootCallback,
    jvmtiStackReferenceCallback,
    jvmtiObjectReferenceCallback,
);
c_types!(5: jvalue);
// The C enums: unsigned int with GCC.
c_types!(2: jvmtiHeapReferenceKind, jvmtiPrimitiveType, jvmtiHeapObjectFilter, jvmtiHeapRootKind, jvmtiObjectReferenceKind, jvmtiIterationControl, jvmtiEventMode, jvmtiParamTypes, jvmtiParamKind, jvmtiTimerKind, jvmtiPhase, jvmtiVerboseFlag, jvmtiJlocationFormat, jvmtiError, jvmtiEvent);

impl CType for () {
    const CODE: i64 = 0;
}
impl<T> CType for *mut T {
    const CODE: i64 = 400 + size_of::<*mut T>() as i64;
}
impl<T> CType for *const T {
    const CODE: i64 = 400 + size_of::<*const T>() as i64;
}

/// Return type, parameter types and variadicity of a nullable function pointer type.
trait Signature {
    const RET: i64;
    const PARAMS: &'static [i64];
    const VARIADIC: bool;
}

macro_rules! signatures {
    ($($param:ident),*) => {
        impl<R: CType $(, $param: CType)*> Signature for Option<unsafe extern "C" fn($($param),*) -> R> {
            const RET: i64 = R::CODE;
            const PARAMS: &'static [i64] = &[$($param::CODE),*];
            const VARIADIC: bool = false;
        }
        signatures!(@variadic $($param),*);
    };
    (@variadic) => {};
    (@variadic $($param:ident),+) => {
        impl<R: CType $(, $param: CType)*> Signature for Option<unsafe extern "C" fn($($param),+, ...) -> R> {
            const RET: i64 = R::CODE;
            const PARAMS: &'static [i64] = &[$($param::CODE),*];
            const VARIADIC: bool = true;
        }
    };
}

signatures!();
signatures!(A);
signatures!(A, B);
signatures!(A, B, C);
signatures!(A, B, C, D);
signatures!(A, B, C, D, E);
signatures!(A, B, C, D, E, F);
signatures!(A, B, C, D, E, F, G);
signatures!(A, B, C, D, E, F, G, H);
signatures!(A, B, C, D, E, F, G, H, I);
signatures!(A, B, C, D, E, F, G, H, I, J);
signatures!(A, B, C, D, E, F, G, H, I, J, K);
signatures!(A, B, C, D, E, F, G, H, I, J, K, L);

fn record<S: Signature>(facts: &mut BTreeMap<String, i64>, name: &str) {
    facts.insert(format!("sig {name}.ret"), S::RET);
    facts.insert(format!("sig {name}.params"), S::PARAMS.len() as i64);
    facts.insert(format!("sig {name}.variadic"), i64::from(S::VARIADIC));
    for (i, code) in S::PARAMS.iter().enumerate() {
        facts.insert(format!("sig {name}.p{i}"), *code);
    }
}

/// Records the signature of a field's type; the closure only names the field and is never called.
fn record_field<S, T: Signature>(
    facts: &mut BTreeMap<String, i64>,
    name: &str,
    _field: impl FnOnce(S) -> T,
) {
    record::<T>(facts, name);
}

macro_rules! typedefs {
    ($facts:ident, $($ty:ident),* $(,)?) => {
        $( record::<$ty>(&mut $facts, stringify!($ty)); )*
    };
}

macro_rules! fields {
    ($facts:ident, $struct:ident { $($field:ident),* $(,)? }) => {
        $(
            record_field(
                &mut $facts,
                concat!(stringify!($struct), ".", stringify!($field)),
                |s: $struct| s.$field,
            );
        )*
    };
}

pub fn rust_signatures() -> BTreeMap<String, i64> {
    let mut facts = BTreeMap::new();
    typedefs!(
        facts,
        jvmtiStartFunction,
        jvmtiHeapIterationCallback,
        jvmtiHeapReferenceCallback,
        jvmtiPrimitiveFieldCallback,
        jvmtiArrayPrimitiveValueCallback,
        jvmtiStringPrimitiveValueCallback,
        jvmtiReservedCallback,
        jvmtiHeapObjectCallback,
        jvmtiHeapRootCallback,
        jvmtiStackReferenceCallback,
        jvmtiObjectReferenceCallback,
        jvmtiExtensionFunction,
        jvmtiExtensionEvent,
        jvmtiEventReserved,
        jvmtiEventBreakpoint,
        jvmtiEventClassFileLoadHook,
        jvmtiEventClassLoad,
        jvmtiEventClassPrepare,
        jvmtiEventCompiledMethodLoad,
        jvmtiEventCompiledMethodUnload,
        jvmtiEventDataDumpRequest,
        jvmtiEventDynamicCodeGenerated,
        jvmtiEventException,
        jvmtiEventExceptionCatch,
        jvmtiEventFieldAccess,
        jvmtiEventFieldModification,
        jvmtiEventFramePop,
        jvmtiEventGarbageCollectionFinish,
        jvmtiEventGarbageCollectionStart,
        jvmtiEventMethodEntry,
        jvmtiEventMethodExit,
        jvmtiEventMonitorContendedEnter,
        jvmtiEventMonitorContendedEntered,
        jvmtiEventMonitorWait,
        jvmtiEventMonitorWaited,
        jvmtiEventNativeMethodBind,
        jvmtiEventObjectFree,
        jvmtiEventResourceExhausted,
        jvmtiEventSampledObjectAlloc,
        jvmtiEventSingleStep,
        jvmtiEventThreadEnd,
        jvmtiEventThreadStart,
        jvmtiEventVMDeath,
        jvmtiEventVMInit,
        jvmtiEventVMObjectAlloc,
        jvmtiEventVMStart
    );
    fields!(
        facts,
        jvmtiInterface_1 {
            SetEventNotificationMode,
            GetAllModules,
            GetAllThreads,
            SuspendThread,
            ResumeThread,
            StopThread,
            InterruptThread,
            GetThreadInfo,
            GetOwnedMonitorInfo,
            GetCurrentContendedMonitor,
            RunAgentThread,
            GetTopThreadGroups,
            GetThreadGroupInfo,
            GetThreadGroupChildren,
            GetFrameCount,
            GetThreadState,
            GetCurrentThread,
            GetFrameLocation,
            NotifyFramePop,
            GetLocalObject,
            GetLocalInt,
            GetLocalLong,
            GetLocalFloat,
            GetLocalDouble,
            SetLocalObject,
            SetLocalInt,
            SetLocalLong,
            SetLocalFloat,
            SetLocalDouble,
            CreateRawMonitor,
            DestroyRawMonitor,
            RawMonitorEnter,
            RawMonitorExit,
            RawMonitorWait,
            RawMonitorNotify,
            RawMonitorNotifyAll,
            SetBreakpoint,
            ClearBreakpoint,
            GetNamedModule,
            SetFieldAccessWatch,
            ClearFieldAccessWatch,
            SetFieldModificationWatch,
            ClearFieldModificationWatch,
            IsModifiableClass,
            Allocate,
            Deallocate,
            GetClassSignature,
            GetClassStatus,
            GetSourceFileName,
            GetClassModifiers,
            GetClassMethods,
            GetClassFields,
            GetImplementedInterfaces,
            IsInterface,
            IsArrayClass,
            GetClassLoader,
            GetObjectHashCode,
            GetObjectMonitorUsage,
            GetFieldName,
            GetFieldDeclaringClass,
            GetFieldModifiers,
            IsFieldSynthetic,
            GetMethodName,
            GetMethodDeclaringClass,
            GetMethodModifiers,
            GetMaxLocals,
            GetArgumentsSize,
            GetLineNumberTable,
            GetMethodLocation,
            GetLocalVariableTable,
            SetNativeMethodPrefix,
            SetNativeMethodPrefixes,
            GetBytecodes,
            IsMethodNative,
            IsMethodSynthetic,
            GetLoadedClasses,
            GetClassLoaderClasses,
            PopFrame,
            ForceEarlyReturnObject,
            ForceEarlyReturnInt,
            ForceEarlyReturnLong,
            ForceEarlyReturnFloat,
            ForceEarlyReturnDouble,
            ForceEarlyReturnVoid,
            RedefineClasses,
            GetVersionNumber,
            GetCapabilities,
            GetSourceDebugExtension,
            IsMethodObsolete,
            SuspendThreadList,
            ResumeThreadList,
            AddModuleReads,
            AddModuleExports,
            AddModuleOpens,
            AddModuleUses,
            AddModuleProvides,
            IsModifiableModule,
            GetAllStackTraces,
            GetThreadListStackTraces,
            GetThreadLocalStorage,
            SetThreadLocalStorage,
            GetStackTrace,
            GetTag,
            SetTag,
            ForceGarbageCollection,
            IterateOverObjectsReachableFromObject,
            IterateOverReachableObjects,
            IterateOverHeap,
            IterateOverInstancesOfClass,
            GetObjectsWithTags,
            FollowReferences,
            IterateThroughHeap,
            SetJNIFunctionTable,
            GetJNIFunctionTable,
            SetEventCallbacks,
            GenerateEvents,
            GetExtensionFunctions,
            GetExtensionEvents,
            SetExtensionEventCallback,
            DisposeEnvironment,
            GetErrorName,
            GetJLocationFormat,
            GetSystemProperties,
            GetSystemProperty,
            SetSystemProperty,
            GetPhase,
            GetCurrentThreadCpuTimerInfo,
            GetCurrentThreadCpuTime,
            GetThreadCpuTimerInfo,
            GetThreadCpuTime,
            GetTimerInfo,
            GetTime,
            GetPotentialCapabilities,
            AddCapabilities,
            RelinquishCapabilities,
            GetAvailableProcessors,
            GetClassVersionNumbers,
            GetConstantPool,
            GetEnvironmentLocalStorage,
            SetEnvironmentLocalStorage,
            AddToBootstrapClassLoaderSearch,
            SetVerboseFlag,
            AddToSystemClassLoaderSearch,
            RetransformClasses,
            GetOwnedMonitorStackDepthInfo,
            GetObjectSize,
            GetLocalInstance,
            SetHeapSamplingInterval
        }
    );
    fields!(
        facts,
        jvmtiEventCallbacks {
            VMInit,
            VMDeath,
            ThreadStart,
            ThreadEnd,
            ClassFileLoadHook,
            ClassLoad,
            ClassPrepare,
            VMStart,
            Exception,
            ExceptionCatch,
            SingleStep,
            FramePop,
            Breakpoint,
            FieldAccess,
            FieldModification,
            MethodEntry,
            MethodExit,
            NativeMethodBind,
            CompiledMethodLoad,
            CompiledMethodUnload,
            DynamicCodeGenerated,
            DataDumpRequest,
            reserved72,
            MonitorWait,
            MonitorWaited,
            MonitorContendedEnter,
            MonitorContendedEntered,
            reserved77,
            reserved78,
            reserved79,
            ResourceExhausted,
            GarbageCollectionStart,
            GarbageCollectionFinish,
            ObjectFree,
            VMObjectAlloc,
            reserved85,
            SampledObjectAlloc
        }
    );
    fields!(
        facts,
        jvmtiHeapCallbacks {
            heap_iteration_callback,
            heap_reference_callback,
            primitive_field_callback,
            array_primitive_value_callback,
            string_primitive_value_callback,
            reserved5,
            reserved6,
            reserved7,
            reserved8,
            reserved9,
            reserved10,
            reserved11,
            reserved12,
            reserved13,
            reserved14,
            reserved15
        }
    );
    fields!(facts, jvmtiExtensionFunctionInfo { func });
    facts
}

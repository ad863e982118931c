//! The Rust side of the layout facts printed by `facts.c`; see `../layout.rs`.
//! Keep the lists in step with `facts.c`.

use core::mem::{align_of, offset_of, size_of};
use std::collections::BTreeMap;

use jvmti_sys::*;

/// Size and alignment of a type, and optionally the offset of each listed field.
macro_rules! layout {
    ($facts:ident, $ty:ident) => {{
        $facts.insert(format!("size {}", stringify!($ty)), size_of::<$ty>() as i64);
        $facts.insert(format!("align {}", stringify!($ty)), align_of::<$ty>() as i64);
    }};
    ($facts:ident, $ty:ident { $($field:ident),* $(,)? }) => {{
        layout!($facts, $ty);
        $(
            $facts.insert(
                format!("offset {}.{}", stringify!($ty), stringify!($field)),
                offset_of!($ty, $field) as i64,
            );
        )*
    }};
}

/// Values of the associated constants of an enum newtype.
macro_rules! enum_values {
    ($facts:ident, $ty:ident { $($value:ident),* $(,)? }) => {{
        layout!($facts, $ty);
        $( $facts.insert(format!("value {}", stringify!($value)), $ty::$value.0 as i64); )*
    }};
}

/// Values of free constants.
macro_rules! values {
    ($facts:ident, $($value:ident),* $(,)?) => {{
        $( $facts.insert(format!("value {}", stringify!($value)), $value as i64); )*
    }};
}

/// The bit each capability setter turns on, or -1 if it does not turn on exactly one bit.
macro_rules! capability_bits {
    ($facts:ident, $($getter:ident / $setter:ident),* $(,)?) => {{
        $(
            let mut caps = jvmtiCapabilities::new();
            caps.$setter(true);
            let index = if caps.$getter() { single_bit(caps.to_raw()) } else { -1 };
            $facts.insert(format!("capbit {}", stringify!($getter)), index);
        )*
    }};
}

fn single_bit(words: [u32; 4]) -> i64 {
    let set: Vec<i64> = (0..128)
        .filter(|i| words[i / 32] & (1 << (i % 32)) != 0)
        .map(|i| i as i64)
        .collect();
    if set.len() == 1 {
        set[0]
    } else {
        -1
    }
}

pub fn rust_facts() -> BTreeMap<String, i64> {
    let mut facts = BTreeMap::new();
    layout!(facts, jvmtiCapabilities);
    layout!(facts, jthread);
    layout!(facts, jthreadGroup);
    layout!(facts, jlocation);
    layout!(facts, jrawMonitorID);
    layout!(facts, jvmtiEnv);
    layout!(facts, jvmtiStartFunction);
    layout!(facts, jvmtiEventVMInit);
    layout!(facts, jvmtiHeapReferenceCallback);
    layout!(
        facts,
        jvmtiThreadInfo {
            name,
            priority,
            is_daemon,
            thread_group,
            context_class_loader
        }
    );
    layout!(
        facts,
        jvmtiMonitorStackDepthInfo {
            monitor,
            stack_depth
        }
    );
    layout!(
        facts,
        jvmtiThreadGroupInfo {
            parent,
            name,
            max_priority,
            is_daemon
        }
    );
    layout!(facts, jvmtiFrameInfo { method, location });
    layout!(
        facts,
        jvmtiStackInfo {
            thread,
            state,
            frame_buffer,
            frame_count
        }
    );
    layout!(facts, jvmtiHeapReferenceInfoField { index });
    layout!(facts, jvmtiHeapReferenceInfoArray { index });
    layout!(facts, jvmtiHeapReferenceInfoConstantPool { index });
    layout!(
        facts,
        jvmtiHeapReferenceInfoStackLocal {
            thread_tag,
            thread_id,
            depth,
            method,
            location,
            slot
        }
    );
    layout!(
        facts,
        jvmtiHeapReferenceInfoJniLocal {
            thread_tag,
            thread_id,
            depth,
            method
        }
    );
    layout!(
        facts,
        jvmtiHeapReferenceInfoReserved {
            reserved1,
            reserved2,
            reserved3,
            reserved4,
            reserved5,
            reserved6,
            reserved7,
            reserved8
        }
    );
    layout!(
        facts,
        jvmtiHeapReferenceInfo {
            field,
            array,
            constant_pool,
            stack_local,
            jni_local,
            other
        }
    );
    layout!(
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
    layout!(
        facts,
        jvmtiClassDefinition {
            klass,
            class_byte_count,
            class_bytes
        }
    );
    layout!(
        facts,
        jvmtiMonitorUsage {
            owner,
            entry_count,
            waiter_count,
            waiters,
            notify_waiter_count,
            notify_waiters
        }
    );
    layout!(
        facts,
        jvmtiLineNumberEntry {
            start_location,
            line_number
        }
    );
    layout!(
        facts,
        jvmtiLocalVariableEntry {
            start_location,
            length,
            name,
            signature,
            generic_signature,
            slot
        }
    );
    layout!(
        facts,
        jvmtiParamInfo {
            name,
            kind,
            base_type,
            null_ok
        }
    );
    layout!(
        facts,
        jvmtiExtensionFunctionInfo {
            func,
            id,
            short_description,
            param_count,
            params,
            error_count,
            errors
        }
    );
    layout!(
        facts,
        jvmtiExtensionEventInfo {
            extension_event_index,
            id,
            short_description,
            param_count,
            params
        }
    );
    layout!(
        facts,
        jvmtiTimerInfo {
            max_value,
            may_skip_forward,
            may_skip_backward,
            kind,
            reserved1,
            reserved2
        }
    );
    layout!(
        facts,
        jvmtiAddrLocationMap {
            start_address,
            location
        }
    );
    layout!(
        facts,
        jvmtiCompiledMethodLoadRecordHeader {
            kind,
            majorinfoversion,
            minorinfoversion,
            next
        }
    );
    layout!(
        facts,
        PCStackInfo {
            pc,
            numstackframes,
            methods,
            bcis
        }
    );
    layout!(
        facts,
        jvmtiCompiledMethodLoadInlineRecord {
            header,
            numpcs,
            pcinfo
        }
    );
    layout!(
        facts,
        jvmtiCompiledMethodLoadDummyRecord { header, message }
    );
    layout!(
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
    layout!(
        facts,
        jvmtiInterface_1 {
            reserved1,
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
            reserved67,
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
            reserved105,
            GetTag,
            SetTag,
            ForceGarbageCollection,
            IterateOverObjectsReachableFromObject,
            IterateOverReachableObjects,
            IterateOverHeap,
            IterateOverInstancesOfClass,
            reserved113,
            GetObjectsWithTags,
            FollowReferences,
            IterateThroughHeap,
            reserved117,
            reserved118,
            reserved119,
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
            reserved141,
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
    enum_values!(
        facts,
        jvmtiHeapReferenceKind {
            JVMTI_HEAP_REFERENCE_CLASS,
            JVMTI_HEAP_REFERENCE_FIELD,
            JVMTI_HEAP_REFERENCE_ARRAY_ELEMENT,
            JVMTI_HEAP_REFERENCE_CLASS_LOADER,
            JVMTI_HEAP_REFERENCE_SIGNERS,
            JVMTI_HEAP_REFERENCE_PROTECTION_DOMAIN,
            JVMTI_HEAP_REFERENCE_INTERFACE,
            JVMTI_HEAP_REFERENCE_STATIC_FIELD,
            JVMTI_HEAP_REFERENCE_CONSTANT_POOL,
            JVMTI_HEAP_REFERENCE_SUPERCLASS,
            JVMTI_HEAP_REFERENCE_JNI_GLOBAL,
            JVMTI_HEAP_REFERENCE_SYSTEM_CLASS,
            JVMTI_HEAP_REFERENCE_MONITOR,
            JVMTI_HEAP_REFERENCE_STACK_LOCAL,
            JVMTI_HEAP_REFERENCE_JNI_LOCAL,
            JVMTI_HEAP_REFERENCE_THREAD,
            JVMTI_HEAP_REFERENCE_OTHER
        }
    );
    enum_values!(
        facts,
        jvmtiPrimitiveType {
            JVMTI_PRIMITIVE_TYPE_BOOLEAN,
            JVMTI_PRIMITIVE_TYPE_BYTE,
            JVMTI_PRIMITIVE_TYPE_CHAR,
            JVMTI_PRIMITIVE_TYPE_SHORT,
            JVMTI_PRIMITIVE_TYPE_INT,
            JVMTI_PRIMITIVE_TYPE_LONG,
            JVMTI_PRIMITIVE_TYPE_FLOAT,
            JVMTI_PRIMITIVE_TYPE_DOUBLE
        }
    );
    enum_values!(
        facts,
        jvmtiHeapObjectFilter {
            JVMTI_HEAP_OBJECT_TAGGED,
            JVMTI_HEAP_OBJECT_UNTAGGED,
            JVMTI_HEAP_OBJECT_EITHER
        }
    );
    enum_values!(
        facts,
        jvmtiHeapRootKind {
            JVMTI_HEAP_ROOT_JNI_GLOBAL,
            JVMTI_HEAP_ROOT_SYSTEM_CLASS,
            JVMTI_HEAP_ROOT_MONITOR,
            JVMTI_HEAP_ROOT_STACK_LOCAL,
            JVMTI_HEAP_ROOT_JNI_LOCAL,
            JVMTI_HEAP_ROOT_THREAD,
            JVMTI_HEAP_ROOT_OTHER
        }
    );
    enum_values!(
        facts,
        jvmtiObjectReferenceKind {
            JVMTI_REFERENCE_CLASS,
            JVMTI_REFERENCE_FIELD,
            JVMTI_REFERENCE_ARRAY_ELEMENT,
            JVMTI_REFERENCE_CLASS_LOADER,
            JVMTI_REFERENCE_SIGNERS,
            JVMTI_REFERENCE_PROTECTION_DOMAIN,
            JVMTI_REFERENCE_INTERFACE,
            JVMTI_REFERENCE_STATIC_FIELD,
            JVMTI_REFERENCE_CONSTANT_POOL
        }
    );
    enum_values!(
        facts,
        jvmtiIterationControl {
            JVMTI_ITERATION_CONTINUE,
            JVMTI_ITERATION_IGNORE,
            JVMTI_ITERATION_ABORT
        }
    );
    enum_values!(
        facts,
        jvmtiEventMode {
            JVMTI_ENABLE,
            JVMTI_DISABLE
        }
    );
    enum_values!(
        facts,
        jvmtiParamTypes {
            JVMTI_TYPE_JBYTE,
            JVMTI_TYPE_JCHAR,
            JVMTI_TYPE_JSHORT,
            JVMTI_TYPE_JINT,
            JVMTI_TYPE_JLONG,
            JVMTI_TYPE_JFLOAT,
            JVMTI_TYPE_JDOUBLE,
            JVMTI_TYPE_JBOOLEAN,
            JVMTI_TYPE_JOBJECT,
            JVMTI_TYPE_JTHREAD,
            JVMTI_TYPE_JCLASS,
            JVMTI_TYPE_JVALUE,
            JVMTI_TYPE_JFIELDID,
            JVMTI_TYPE_JMETHODID,
            JVMTI_TYPE_CCHAR,
            JVMTI_TYPE_CVOID,
            JVMTI_TYPE_JNIENV
        }
    );
    enum_values!(
        facts,
        jvmtiParamKind {
            JVMTI_KIND_IN,
            JVMTI_KIND_IN_PTR,
            JVMTI_KIND_IN_BUF,
            JVMTI_KIND_ALLOC_BUF,
            JVMTI_KIND_ALLOC_ALLOC_BUF,
            JVMTI_KIND_OUT,
            JVMTI_KIND_OUT_BUF
        }
    );
    enum_values!(
        facts,
        jvmtiTimerKind {
            JVMTI_TIMER_USER_CPU,
            JVMTI_TIMER_TOTAL_CPU,
            JVMTI_TIMER_ELAPSED
        }
    );
    enum_values!(
        facts,
        jvmtiPhase {
            JVMTI_PHASE_ONLOAD,
            JVMTI_PHASE_PRIMORDIAL,
            JVMTI_PHASE_START,
            JVMTI_PHASE_LIVE,
            JVMTI_PHASE_DEAD
        }
    );
    enum_values!(
        facts,
        jvmtiVerboseFlag {
            JVMTI_VERBOSE_OTHER,
            JVMTI_VERBOSE_GC,
            JVMTI_VERBOSE_CLASS,
            JVMTI_VERBOSE_JNI
        }
    );
    enum_values!(
        facts,
        jvmtiJlocationFormat {
            JVMTI_JLOCATION_JVMBCI,
            JVMTI_JLOCATION_MACHINEPC,
            JVMTI_JLOCATION_OTHER
        }
    );
    enum_values!(
        facts,
        jvmtiError {
            JVMTI_ERROR_NONE,
            JVMTI_ERROR_INVALID_THREAD,
            JVMTI_ERROR_INVALID_THREAD_GROUP,
            JVMTI_ERROR_INVALID_PRIORITY,
            JVMTI_ERROR_THREAD_NOT_SUSPENDED,
            JVMTI_ERROR_THREAD_SUSPENDED,
            JVMTI_ERROR_THREAD_NOT_ALIVE,
            JVMTI_ERROR_INVALID_OBJECT,
            JVMTI_ERROR_INVALID_CLASS,
            JVMTI_ERROR_CLASS_NOT_PREPARED,
            JVMTI_ERROR_INVALID_METHODID,
            JVMTI_ERROR_INVALID_LOCATION,
            JVMTI_ERROR_INVALID_FIELDID,
            JVMTI_ERROR_INVALID_MODULE,
            JVMTI_ERROR_NO_MORE_FRAMES,
            JVMTI_ERROR_OPAQUE_FRAME,
            JVMTI_ERROR_TYPE_MISMATCH,
            JVMTI_ERROR_INVALID_SLOT,
            JVMTI_ERROR_DUPLICATE,
            JVMTI_ERROR_NOT_FOUND,
            JVMTI_ERROR_INVALID_MONITOR,
            JVMTI_ERROR_NOT_MONITOR_OWNER,
            JVMTI_ERROR_INTERRUPT,
            JVMTI_ERROR_INVALID_CLASS_FORMAT,
            JVMTI_ERROR_CIRCULAR_CLASS_DEFINITION,
            JVMTI_ERROR_FAILS_VERIFICATION,
            JVMTI_ERROR_UNSUPPORTED_REDEFINITION_METHOD_ADDED,
            JVMTI_ERROR_UNSUPPORTED_REDEFINITION_SCHEMA_CHANGED,
            JVMTI_ERROR_INVALID_TYPESTATE,
            JVMTI_ERROR_UNSUPPORTED_REDEFINITION_HIERARCHY_CHANGED,
            JVMTI_ERROR_UNSUPPORTED_REDEFINITION_METHOD_DELETED,
            JVMTI_ERROR_UNSUPPORTED_VERSION,
            JVMTI_ERROR_NAMES_DONT_MATCH,
            JVMTI_ERROR_UNSUPPORTED_REDEFINITION_CLASS_MODIFIERS_CHANGED,
            JVMTI_ERROR_UNSUPPORTED_REDEFINITION_METHOD_MODIFIERS_CHANGED,
            JVMTI_ERROR_UNSUPPORTED_REDEFINITION_CLASS_ATTRIBUTE_CHANGED,
            JVMTI_ERROR_UNMODIFIABLE_CLASS,
            JVMTI_ERROR_UNMODIFIABLE_MODULE,
            JVMTI_ERROR_NOT_AVAILABLE,
            JVMTI_ERROR_MUST_POSSESS_CAPABILITY,
            JVMTI_ERROR_NULL_POINTER,
            JVMTI_ERROR_ABSENT_INFORMATION,
            JVMTI_ERROR_INVALID_EVENT_TYPE,
            JVMTI_ERROR_ILLEGAL_ARGUMENT,
            JVMTI_ERROR_NATIVE_METHOD,
            JVMTI_ERROR_CLASS_LOADER_UNSUPPORTED,
            JVMTI_ERROR_OUT_OF_MEMORY,
            JVMTI_ERROR_ACCESS_DENIED,
            JVMTI_ERROR_WRONG_PHASE,
            JVMTI_ERROR_INTERNAL,
            JVMTI_ERROR_UNATTACHED_THREAD,
            JVMTI_ERROR_INVALID_ENVIRONMENT,
            JVMTI_ERROR_MAX
        }
    );
    enum_values!(
        facts,
        jvmtiEvent {
            JVMTI_MIN_EVENT_TYPE_VAL,
            JVMTI_EVENT_VM_INIT,
            JVMTI_EVENT_VM_DEATH,
            JVMTI_EVENT_THREAD_START,
            JVMTI_EVENT_THREAD_END,
            JVMTI_EVENT_CLASS_FILE_LOAD_HOOK,
            JVMTI_EVENT_CLASS_LOAD,
            JVMTI_EVENT_CLASS_PREPARE,
            JVMTI_EVENT_VM_START,
            JVMTI_EVENT_EXCEPTION,
            JVMTI_EVENT_EXCEPTION_CATCH,
            JVMTI_EVENT_SINGLE_STEP,
            JVMTI_EVENT_FRAME_POP,
            JVMTI_EVENT_BREAKPOINT,
            JVMTI_EVENT_FIELD_ACCESS,
            JVMTI_EVENT_FIELD_MODIFICATION,
            JVMTI_EVENT_METHOD_ENTRY,
            JVMTI_EVENT_METHOD_EXIT,
            JVMTI_EVENT_NATIVE_METHOD_BIND,
            JVMTI_EVENT_COMPILED_METHOD_LOAD,
            JVMTI_EVENT_COMPILED_METHOD_UNLOAD,
            JVMTI_EVENT_DYNAMIC_CODE_GENERATED,
            JVMTI_EVENT_DATA_DUMP_REQUEST,
            JVMTI_EVENT_MONITOR_WAIT,
            JVMTI_EVENT_MONITOR_WAITED,
            JVMTI_EVENT_MONITOR_CONTENDED_ENTER,
            JVMTI_EVENT_MONITOR_CONTENDED_ENTERED,
            JVMTI_EVENT_RESOURCE_EXHAUSTED,
            JVMTI_EVENT_GARBAGE_COLLECTION_START,
            JVMTI_EVENT_GARBAGE_COLLECTION_FINISH,
            JVMTI_EVENT_OBJECT_FREE,
            JVMTI_EVENT_VM_OBJECT_ALLOC,
            JVMTI_EVENT_SAMPLED_OBJECT_ALLOC,
            JVMTI_MAX_EVENT_TYPE_VAL
        }
    );
    enum_values!(
        facts,
        jvmtiCMLRKind {
            JVMTI_CMLR_DUMMY,
            JVMTI_CMLR_INLINE_INFO
        }
    );
    values!(
        facts,
        JVMTI_VERSION_1,
        JVMTI_VERSION_1_0,
        JVMTI_VERSION_1_1,
        JVMTI_VERSION_1_2,
        JVMTI_VERSION_9,
        JVMTI_VERSION_11,
        JVMTI_VERSION,
        JVMTI_THREAD_STATE_ALIVE,
        JVMTI_THREAD_STATE_TERMINATED,
        JVMTI_THREAD_STATE_RUNNABLE,
        JVMTI_THREAD_STATE_BLOCKED_ON_MONITOR_ENTER,
        JVMTI_THREAD_STATE_WAITING,
        JVMTI_THREAD_STATE_WAITING_INDEFINITELY,
        JVMTI_THREAD_STATE_WAITING_WITH_TIMEOUT,
        JVMTI_THREAD_STATE_SLEEPING,
        JVMTI_THREAD_STATE_IN_OBJECT_WAIT,
        JVMTI_THREAD_STATE_PARKED,
        JVMTI_THREAD_STATE_SUSPENDED,
        JVMTI_THREAD_STATE_INTERRUPTED,
        JVMTI_THREAD_STATE_IN_NATIVE,
        JVMTI_THREAD_STATE_VENDOR_1,
        JVMTI_THREAD_STATE_VENDOR_2,
        JVMTI_THREAD_STATE_VENDOR_3,
        JVMTI_JAVA_LANG_THREAD_STATE_MASK,
        JVMTI_JAVA_LANG_THREAD_STATE_NEW,
        JVMTI_JAVA_LANG_THREAD_STATE_TERMINATED,
        JVMTI_JAVA_LANG_THREAD_STATE_RUNNABLE,
        JVMTI_JAVA_LANG_THREAD_STATE_BLOCKED,
        JVMTI_JAVA_LANG_THREAD_STATE_WAITING,
        JVMTI_JAVA_LANG_THREAD_STATE_TIMED_WAITING,
        JVMTI_THREAD_MIN_PRIORITY,
        JVMTI_THREAD_NORM_PRIORITY,
        JVMTI_THREAD_MAX_PRIORITY,
        JVMTI_HEAP_FILTER_TAGGED,
        JVMTI_HEAP_FILTER_UNTAGGED,
        JVMTI_HEAP_FILTER_CLASS_TAGGED,
        JVMTI_HEAP_FILTER_CLASS_UNTAGGED,
        JVMTI_VISIT_OBJECTS,
        JVMTI_VISIT_ABORT,
        JVMTI_CLASS_STATUS_VERIFIED,
        JVMTI_CLASS_STATUS_PREPARED,
        JVMTI_CLASS_STATUS_INITIALIZED,
        JVMTI_CLASS_STATUS_ERROR,
        JVMTI_CLASS_STATUS_ARRAY,
        JVMTI_CLASS_STATUS_PRIMITIVE,
        JVMTI_VERSION_INTERFACE_JNI,
        JVMTI_VERSION_INTERFACE_JVMTI,
        JVMTI_VERSION_MASK_INTERFACE_TYPE,
        JVMTI_VERSION_MASK_MAJOR,
        JVMTI_VERSION_MASK_MINOR,
        JVMTI_VERSION_MASK_MICRO,
        JVMTI_VERSION_SHIFT_MAJOR,
        JVMTI_VERSION_SHIFT_MINOR,
        JVMTI_VERSION_SHIFT_MICRO,
        JVMTI_RESOURCE_EXHAUSTED_OOM_ERROR,
        JVMTI_RESOURCE_EXHAUSTED_JAVA_HEAP,
        JVMTI_RESOURCE_EXHAUSTED_THREADS,
        JVMTI_CMLR_MAJOR_VERSION_1,
        JVMTI_CMLR_MINOR_VERSION_0,
        JVMTI_CMLR_MAJOR_VERSION,
        JVMTI_CMLR_MINOR_VERSION
    );
    capability_bits!(
        facts,
        can_tag_objects / set_can_tag_objects,
        can_generate_field_modification_events / set_can_generate_field_modification_events,
        can_generate_field_access_events / set_can_generate_field_access_events,
        can_get_bytecodes / set_can_get_bytecodes,
        can_get_synthetic_attribute / set_can_get_synthetic_attribute,
        can_get_owned_monitor_info / set_can_get_owned_monitor_info,
        can_get_current_contended_monitor / set_can_get_current_contended_monitor,
        can_get_monitor_info / set_can_get_monitor_info,
        can_pop_frame / set_can_pop_frame,
        can_redefine_classes / set_can_redefine_classes,
        can_signal_thread / set_can_signal_thread,
        can_get_source_file_name / set_can_get_source_file_name,
        can_get_line_numbers / set_can_get_line_numbers,
        can_get_source_debug_extension / set_can_get_source_debug_extension,
        can_access_local_variables / set_can_access_local_variables,
        can_maintain_original_method_order / set_can_maintain_original_method_order,
        can_generate_single_step_events / set_can_generate_single_step_events,
        can_generate_exception_events / set_can_generate_exception_events,
        can_generate_frame_pop_events / set_can_generate_frame_pop_events,
        can_generate_breakpoint_events / set_can_generate_breakpoint_events,
        can_suspend / set_can_suspend,
        can_redefine_any_class / set_can_redefine_any_class,
        can_get_current_thread_cpu_time / set_can_get_current_thread_cpu_time,
        can_get_thread_cpu_time / set_can_get_thread_cpu_time,
        can_generate_method_entry_events / set_can_generate_method_entry_events,
        can_generate_method_exit_events / set_can_generate_method_exit_events,
        can_generate_all_class_hook_events / set_can_generate_all_class_hook_events,
        can_generate_compiled_method_load_events / set_can_generate_compiled_method_load_events,
        can_generate_monitor_events / set_can_generate_monitor_events,
        can_generate_vm_object_alloc_events / set_can_generate_vm_object_alloc_events,
        can_generate_native_method_bind_events / set_can_generate_native_method_bind_events,
        can_generate_garbage_collection_events / set_can_generate_garbage_collection_events,
        can_generate_object_free_events / set_can_generate_object_free_events,
        can_force_early_return / set_can_force_early_return,
        can_get_owned_monitor_stack_depth_info / set_can_get_owned_monitor_stack_depth_info,
        can_get_constant_pool / set_can_get_constant_pool,
        can_set_native_method_prefix / set_can_set_native_method_prefix,
        can_retransform_classes / set_can_retransform_classes,
        can_retransform_any_class / set_can_retransform_any_class,
        can_generate_resource_exhaustion_heap_events
            / set_can_generate_resource_exhaustion_heap_events,
        can_generate_resource_exhaustion_threads_events
            / set_can_generate_resource_exhaustion_threads_events,
        can_generate_early_vmstart / set_can_generate_early_vmstart,
        can_generate_early_class_hook_events / set_can_generate_early_class_hook_events,
        can_generate_sampled_object_alloc_events / set_can_generate_sampled_object_alloc_events
    );
    facts
}

// Prints the signature of every function-pointer type of jvmti.h, one "sig name.part value"
// line each, for tests/layout.rs to compare with rust_signatures.rs. C cannot take a function
// type apart, so this is C++ (jvmti.h supports both); the C and C++ views of jvmti.h differ
// only in jvmtiEnv/JNIEnv, which are pointers either way.
#include <cstdio>
#include <initializer_list>
#include <type_traits>

#include <jvmti.h>

// A parameter or return type as kind * 100 + size: kind 1 signed integer, 2 unsigned integer
// (C enums are unsigned int with GCC), 3 floating point, 4 pointer, 5 union, 6 struct;
// 0 for void.
template <class T> constexpr long code() {
    if constexpr (std::is_void_v<T>) {
        return 0;
    } else {
        long kind;
        if constexpr (std::is_pointer_v<T>) {
            kind = 4;
        } else if constexpr (std::is_enum_v<T>) {
            kind = std::is_signed_v<std::underlying_type_t<T>> ? 1 : 2;
        } else if constexpr (std::is_floating_point_v<T>) {
            kind = 3;
        } else if constexpr (std::is_integral_v<T>) {
            kind = std::is_signed_v<T> ? 1 : 2;
        } else if constexpr (std::is_union_v<T>) {
            kind = 5;
        } else {
            kind = 6;
        }
        return kind * 100 + (long)sizeof(T);
    }
}

static void report(const char *name, long ret, std::initializer_list<long> params, bool variadic) {
    std::printf("sig %s.ret %ld\n", name, ret);
    std::printf("sig %s.params %zu\n", name, params.size());
    std::printf("sig %s.variadic %d\n", name, variadic ? 1 : 0);
    int i = 0;
    for (long param : params) std::printf("sig %s.p%d %ld\n", name, i++, param);
}

template <class R, class... A> void sig(const char *name, R (*)(A...)) {
    report(name, code<R>(), {code<A>()...}, false);
}

template <class R, class... A> void sig(const char *name, R (*)(A..., ...)) {
    report(name, code<R>(), {code<A>()...}, true);
}

#define TYPEDEF(T) sig(#T, (T) nullptr)
#define FIELD(S, f) sig(#S "." #f, (decltype(S::f)) nullptr)

int main() {
    TYPEDEF(jvmtiStartFunction);
    TYPEDEF(jvmtiHeapIterationCallback);
    TYPEDEF(jvmtiHeapReferenceCallback);
    TYPEDEF(jvmtiPrimitiveFieldCallback);
    TYPEDEF(jvmtiArrayPrimitiveValueCallback);
    TYPEDEF(jvmtiStringPrimitiveValueCallback);
    TYPEDEF(jvmtiReservedCallback);
    TYPEDEF(jvmtiHeapObjectCallback);
    TYPEDEF(jvmtiHeapRootCallback);
    TYPEDEF(jvmtiStackReferenceCallback);
    TYPEDEF(jvmtiObjectReferenceCallback);
    TYPEDEF(jvmtiExtensionFunction);
    TYPEDEF(jvmtiExtensionEvent);
    TYPEDEF(jvmtiEventReserved);
    TYPEDEF(jvmtiEventBreakpoint);
    TYPEDEF(jvmtiEventClassFileLoadHook);
    TYPEDEF(jvmtiEventClassLoad);
    TYPEDEF(jvmtiEventClassPrepare);
    TYPEDEF(jvmtiEventCompiledMethodLoad);
    TYPEDEF(jvmtiEventCompiledMethodUnload);
    TYPEDEF(jvmtiEventDataDumpRequest);
    TYPEDEF(jvmtiEventDynamicCodeGenerated);
    TYPEDEF(jvmtiEventException);
    TYPEDEF(jvmtiEventExceptionCatch);
    TYPEDEF(jvmtiEventFieldAccess);
    TYPEDEF(jvmtiEventFieldModification);
    TYPEDEF(jvmtiEventFramePop);
    TYPEDEF(jvmtiEventGarbageCollectionFinish);
    TYPEDEF(jvmtiEventGarbageCollectionStart);
    TYPEDEF(jvmtiEventMethodEntry);
    TYPEDEF(jvmtiEventMethodExit);
    TYPEDEF(jvmtiEventMonitorContendedEnter);
    TYPEDEF(jvmtiEventMonitorContendedEntered);
    TYPEDEF(jvmtiEventMonitorWait);
    TYPEDEF(jvmtiEventMonitorWaited);
    TYPEDEF(jvmtiEventNativeMethodBind);
    TYPEDEF(jvmtiEventObjectFree);
    TYPEDEF(jvmtiEventResourceExhausted);
    TYPEDEF(jvmtiEventSampledObjectAlloc);
    TYPEDEF(jvmtiEventSingleStep);
    TYPEDEF(jvmtiEventThreadEnd);
    TYPEDEF(jvmtiEventThreadStart);
    TYPEDEF(jvmtiEventVMDeath);
    TYPEDEF(jvmtiEventVMInit);
    TYPEDEF(jvmtiEventVMObjectAlloc);
    TYPEDEF(jvmtiEventVMStart);
    FIELD(jvmtiInterface_1, SetEventNotificationMode);
    FIELD(jvmtiInterface_1, GetAllModules);
    FIELD(jvmtiInterface_1, GetAllThreads);
    FIELD(jvmtiInterface_1, SuspendThread);
    FIELD(jvmtiInterface_1, ResumeThread);
    FIELD(jvmtiInterface_1, StopThread);
    FIELD(jvmtiInterface_1, InterruptThread);
    FIELD(jvmtiInterface_1, GetThreadInfo);
    FIELD(jvmtiInterface_1, GetOwnedMonitorInfo);
    FIELD(jvmtiInterface_1, GetCurrentContendedMonitor);
    FIELD(jvmtiInterface_1, RunAgentThread);
    FIELD(jvmtiInterface_1, GetTopThreadGroups);
    FIELD(jvmtiInterface_1, GetThreadGroupInfo);
    FIELD(jvmtiInterface_1, GetThreadGroupChildren);
    FIELD(jvmtiInterface_1, GetFrameCount);
    FIELD(jvmtiInterface_1, GetThreadState);
    FIELD(jvmtiInterface_1, GetCurrentThread);
    FIELD(jvmtiInterface_1, GetFrameLocation);
    FIELD(jvmtiInterface_1, NotifyFramePop);
    FIELD(jvmtiInterface_1, GetLocalObject);
    FIELD(jvmtiInterface_1, GetLocalInt);
    FIELD(jvmtiInterface_1, GetLocalLong);
    FIELD(jvmtiInterface_1, GetLocalFloat);
    FIELD(jvmtiInterface_1, GetLocalDouble);
    FIELD(jvmtiInterface_1, SetLocalObject);
    FIELD(jvmtiInterface_1, SetLocalInt);
    FIELD(jvmtiInterface_1, SetLocalLong);
    FIELD(jvmtiInterface_1, SetLocalFloat);
    FIELD(jvmtiInterface_1, SetLocalDouble);
    FIELD(jvmtiInterface_1, CreateRawMonitor);
    FIELD(jvmtiInterface_1, DestroyRawMonitor);
    FIELD(jvmtiInterface_1, RawMonitorEnter);
    FIELD(jvmtiInterface_1, RawMonitorExit);
    FIELD(jvmtiInterface_1, RawMonitorWait);
    FIELD(jvmtiInterface_1, RawMonitorNotify);
    FIELD(jvmtiInterface_1, RawMonitorNotifyAll);
    FIELD(jvmtiInterface_1, SetBreakpoint);
    FIELD(jvmtiInterface_1, ClearBreakpoint);
    FIELD(jvmtiInterface_1, GetNamedModule);
    FIELD(jvmtiInterface_1, SetFieldAccessWatch);
    FIELD(jvmtiInterface_1, ClearFieldAccessWatch);
    FIELD(jvmtiInterface_1, SetFieldModificationWatch);
    FIELD(jvmtiInterface_1, ClearFieldModificationWatch);
    FIELD(jvmtiInterface_1, IsModifiableClass);
    FIELD(jvmtiInterface_1, Allocate);
    FIELD(jvmtiInterface_1, Deallocate);
    FIELD(jvmtiInterface_1, GetClassSignature);
    FIELD(jvmtiInterface_1, GetClassStatus);
    FIELD(jvmtiInterface_1, GetSourceFileName);
    FIELD(jvmtiInterface_1, GetClassModifiers);
    FIELD(jvmtiInterface_1, GetClassMethods);
    FIELD(jvmtiInterface_1, GetClassFields);
    FIELD(jvmtiInterface_1, GetImplementedInterfaces);
    FIELD(jvmtiInterface_1, IsInterface);
    FIELD(jvmtiInterface_1, IsArrayClass);
    FIELD(jvmtiInterface_1, GetClassLoader);
    FIELD(jvmtiInterface_1, GetObjectHashCode);
    FIELD(jvmtiInterface_1, GetObjectMonitorUsage);
    FIELD(jvmtiInterface_1, GetFieldName);
    FIELD(jvmtiInterface_1, GetFieldDeclaringClass);
    FIELD(jvmtiInterface_1, GetFieldModifiers);
    FIELD(jvmtiInterface_1, IsFieldSynthetic);
    FIELD(jvmtiInterface_1, GetMethodName);
    FIELD(jvmtiInterface_1, GetMethodDeclaringClass);
    FIELD(jvmtiInterface_1, GetMethodModifiers);
    FIELD(jvmtiInterface_1, GetMaxLocals);
    FIELD(jvmtiInterface_1, GetArgumentsSize);
    FIELD(jvmtiInterface_1, GetLineNumberTable);
    FIELD(jvmtiInterface_1, GetMethodLocation);
    FIELD(jvmtiInterface_1, GetLocalVariableTable);
    FIELD(jvmtiInterface_1, SetNativeMethodPrefix);
    FIELD(jvmtiInterface_1, SetNativeMethodPrefixes);
    FIELD(jvmtiInterface_1, GetBytecodes);
    FIELD(jvmtiInterface_1, IsMethodNative);
    FIELD(jvmtiInterface_1, IsMethodSynthetic);
    FIELD(jvmtiInterface_1, GetLoadedClasses);
    FIELD(jvmtiInterface_1, GetClassLoaderClasses);
    FIELD(jvmtiInterface_1, PopFrame);
    FIELD(jvmtiInterface_1, ForceEarlyReturnObject);
    FIELD(jvmtiInterface_1, ForceEarlyReturnInt);
    FIELD(jvmtiInterface_1, ForceEarlyReturnLong);
    FIELD(jvmtiInterface_1, ForceEarlyReturnFloat);
    FIELD(jvmtiInterface_1, ForceEarlyReturnDouble);
    FIELD(jvmtiInterface_1, ForceEarlyReturnVoid);
    FIELD(jvmtiInterface_1, RedefineClasses);
    FIELD(jvmtiInterface_1, GetVersionNumber);
    FIELD(jvmtiInterface_1, GetCapabilities);
    FIELD(jvmtiInterface_1, GetSourceDebugExtension);
    FIELD(jvmtiInterface_1, IsMethodObsolete);
    FIELD(jvmtiInterface_1, SuspendThreadList);
    FIELD(jvmtiInterface_1, ResumeThreadList);
    FIELD(jvmtiInterface_1, AddModuleReads);
    FIELD(jvmtiInterface_1, AddModuleExports);
    FIELD(jvmtiInterface_1, AddModuleOpens);
    FIELD(jvmtiInterface_1, AddModuleUses);
    FIELD(jvmtiInterface_1, AddModuleProvides);
    FIELD(jvmtiInterface_1, IsModifiableModule);
    FIELD(jvmtiInterface_1, GetAllStackTraces);
    FIELD(jvmtiInterface_1, GetThreadListStackTraces);
    FIELD(jvmtiInterface_1, GetThreadLocalStorage);
    FIELD(jvmtiInterface_1, SetThreadLocalStorage);
    FIELD(jvmtiInterface_1, GetStackTrace);
    FIELD(jvmtiInterface_1, GetTag);
    FIELD(jvmtiInterface_1, SetTag);
    FIELD(jvmtiInterface_1, ForceGarbageCollection);
    FIELD(jvmtiInterface_1, IterateOverObjectsReachableFromObject);
    FIELD(jvmtiInterface_1, IterateOverReachableObjects);
    FIELD(jvmtiInterface_1, IterateOverHeap);
    FIELD(jvmtiInterface_1, IterateOverInstancesOfClass);
    FIELD(jvmtiInterface_1, GetObjectsWithTags);
    FIELD(jvmtiInterface_1, FollowReferences);
    FIELD(jvmtiInterface_1, IterateThroughHeap);
    FIELD(jvmtiInterface_1, SetJNIFunctionTable);
    FIELD(jvmtiInterface_1, GetJNIFunctionTable);
    FIELD(jvmtiInterface_1, SetEventCallbacks);
    FIELD(jvmtiInterface_1, GenerateEvents);
    FIELD(jvmtiInterface_1, GetExtensionFunctions);
    FIELD(jvmtiInterface_1, GetExtensionEvents);
    FIELD(jvmtiInterface_1, SetExtensionEventCallback);
    FIELD(jvmtiInterface_1, DisposeEnvironment);
    FIELD(jvmtiInterface_1, GetErrorName);
    FIELD(jvmtiInterface_1, GetJLocationFormat);
    FIELD(jvmtiInterface_1, GetSystemProperties);
    FIELD(jvmtiInterface_1, GetSystemProperty);
    FIELD(jvmtiInterface_1, SetSystemProperty);
    FIELD(jvmtiInterface_1, GetPhase);
    FIELD(jvmtiInterface_1, GetCurrentThreadCpuTimerInfo);
    FIELD(jvmtiInterface_1, GetCurrentThreadCpuTime);
    FIELD(jvmtiInterface_1, GetThreadCpuTimerInfo);
    FIELD(jvmtiInterface_1, GetThreadCpuTime);
    FIELD(jvmtiInterface_1, GetTimerInfo);
    FIELD(jvmtiInterface_1, GetTime);
    FIELD(jvmtiInterface_1, GetPotentialCapabilities);
    FIELD(jvmtiInterface_1, AddCapabilities);
    FIELD(jvmtiInterface_1, RelinquishCapabilities);
    FIELD(jvmtiInterface_1, GetAvailableProcessors);
    FIELD(jvmtiInterface_1, GetClassVersionNumbers);
    FIELD(jvmtiInterface_1, GetConstantPool);
    FIELD(jvmtiInterface_1, GetEnvironmentLocalStorage);
    FIELD(jvmtiInterface_1, SetEnvironmentLocalStorage);
    FIELD(jvmtiInterface_1, AddToBootstrapClassLoaderSearch);
    FIELD(jvmtiInterface_1, SetVerboseFlag);
    FIELD(jvmtiInterface_1, AddToSystemClassLoaderSearch);
    FIELD(jvmtiInterface_1, RetransformClasses);
    FIELD(jvmtiInterface_1, GetOwnedMonitorStackDepthInfo);
    FIELD(jvmtiInterface_1, GetObjectSize);
    FIELD(jvmtiInterface_1, GetLocalInstance);
    FIELD(jvmtiInterface_1, SetHeapSamplingInterval);
    FIELD(jvmtiEventCallbacks, VMInit);
    FIELD(jvmtiEventCallbacks, VMDeath);
    FIELD(jvmtiEventCallbacks, ThreadStart);
    FIELD(jvmtiEventCallbacks, ThreadEnd);
    FIELD(jvmtiEventCallbacks, ClassFileLoadHook);
    FIELD(jvmtiEventCallbacks, ClassLoad);
    FIELD(jvmtiEventCallbacks, ClassPrepare);
    FIELD(jvmtiEventCallbacks, VMStart);
    FIELD(jvmtiEventCallbacks, Exception);
    FIELD(jvmtiEventCallbacks, ExceptionCatch);
    FIELD(jvmtiEventCallbacks, SingleStep);
    FIELD(jvmtiEventCallbacks, FramePop);
    FIELD(jvmtiEventCallbacks, Breakpoint);
    FIELD(jvmtiEventCallbacks, FieldAccess);
    FIELD(jvmtiEventCallbacks, FieldModification);
    FIELD(jvmtiEventCallbacks, MethodEntry);
    FIELD(jvmtiEventCallbacks, MethodExit);
    FIELD(jvmtiEventCallbacks, NativeMethodBind);
    FIELD(jvmtiEventCallbacks, CompiledMethodLoad);
    FIELD(jvmtiEventCallbacks, CompiledMethodUnload);
    FIELD(jvmtiEventCallbacks, DynamicCodeGenerated);
    FIELD(jvmtiEventCallbacks, DataDumpRequest);
    FIELD(jvmtiEventCallbacks, reserved72);
    FIELD(jvmtiEventCallbacks, MonitorWait);
    FIELD(jvmtiEventCallbacks, MonitorWaited);
    FIELD(jvmtiEventCallbacks, MonitorContendedEnter);
    FIELD(jvmtiEventCallbacks, MonitorContendedEntered);
    FIELD(jvmtiEventCallbacks, reserved77);
    FIELD(jvmtiEventCallbacks, reserved78);
    FIELD(jvmtiEventCallbacks, reserved79);
    FIELD(jvmtiEventCallbacks, ResourceExhausted);
    FIELD(jvmtiEventCallbacks, GarbageCollectionStart);
    FIELD(jvmtiEventCallbacks, GarbageCollectionFinish);
    FIELD(jvmtiEventCallbacks, ObjectFree);
    FIELD(jvmtiEventCallbacks, VMObjectAlloc);
    FIELD(jvmtiEventCallbacks, reserved85);
    FIELD(jvmtiEventCallbacks, SampledObjectAlloc);
    FIELD(jvmtiHeapCallbacks, heap_iteration_callback);
    FIELD(jvmtiHeapCallbacks, heap_reference_callback);
    FIELD(jvmtiHeapCallbacks, primitive_field_callback);
    FIELD(jvmtiHeapCallbacks, array_primitive_value_callback);
    FIELD(jvmtiHeapCallbacks, string_primitive_value_callback);
    FIELD(jvmtiHeapCallbacks, reserved5);
    FIELD(jvmtiHeapCallbacks, reserved6);
    FIELD(jvmtiHeapCallbacks, reserved7);
    FIELD(jvmtiHeapCallbacks, reserved8);
    FIELD(jvmtiHeapCallbacks, reserved9);
    FIELD(jvmtiHeapCallbacks, reserved10);
    FIELD(jvmtiHeapCallbacks, reserved11);
    FIELD(jvmtiHeapCallbacks, reserved12);
    FIELD(jvmtiHeapCallbacks, reserved13);
    FIELD(jvmtiHeapCallbacks, reserved14);
    FIELD(jvmtiHeapCallbacks, reserved15);
    FIELD(jvmtiExtensionFunctionInfo, func);
    return 0;
}

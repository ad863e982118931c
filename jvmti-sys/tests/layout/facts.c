/* Prints the layout facts of jvmti.h / jvmticmlr.h that tests/layout.rs compares with the
 * Rust bindings, one "kind name value" line each. Keep the lists in step with rust_facts.rs. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <jvmti.h>
#include <jvmticmlr.h>

#define SIZE(T) printf("size %s %zu\nalign %s %zu\n", #T, sizeof(T), #T, _Alignof(T))
#define OFFSET(T, f) printf("offset %s.%s %zu\n", #T, #f, offsetof(T, f))
#define VALUE(c) printf("value %s %lld\n", #c, (long long)(c))
#define CAPBIT(f)                            \
    do {                                     \
        jvmtiCapabilities caps;              \
        memset(&caps, 0, sizeof caps);       \
        caps.f = 1;                          \
        print_capbit(#f, &caps, sizeof caps); \
    } while (0)

/* Prints the index of the single bit set in the struct, or -1 if not exactly one is set. */
static void print_capbit(const char *name, const void *caps, size_t size) {
    const unsigned char *bytes = caps;
    int index = -1, count = 0;
    for (size_t i = 0; i < size; i++)
        for (int bit = 0; bit < 8; bit++)
            if (bytes[i] & (1u << bit)) {
                index = (int)(i * 8) + bit;
                count++;
            }
    printf("capbit %s %d\n", name, count == 1 ? index : -1);
}

int main(void) {
    SIZE(jvmtiCapabilities);
    SIZE(jthread);
    SIZE(jthreadGroup);
    SIZE(jlocation);
    SIZE(jrawMonitorID);
    SIZE(jvmtiEnv);
    SIZE(jvmtiStartFunction);
    SIZE(jvmtiEventVMInit);
    SIZE(jvmtiHeapReferenceCallback);

    SIZE(jvmtiThreadInfo);
    OFFSET(jvmtiThreadInfo, name);
    OFFSET(jvmtiThreadInfo, priority);
    OFFSET(jvmtiThreadInfo, is_daemon);
    OFFSET(jvmtiThreadInfo, thread_group);
    OFFSET(jvmtiThreadInfo, context_class_loader);

    SIZE(jvmtiMonitorStackDepthInfo);
    OFFSET(jvmtiMonitorStackDepthInfo, monitor);
    OFFSET(jvmtiMonitorStackDepthInfo, stack_depth);

    SIZE(jvmtiThreadGroupInfo);
    OFFSET(jvmtiThreadGroupInfo, parent);
    OFFSET(jvmtiThreadGroupInfo, name);
    OFFSET(jvmtiThreadGroupInfo, max_priority);
    OFFSET(jvmtiThreadGroupInfo, is_daemon);

    SIZE(jvmtiFrameInfo);
    OFFSET(jvmtiFrameInfo, method);
    OFFSET(jvmtiFrameInfo, location);

    SIZE(jvmtiStackInfo);
    OFFSET(jvmtiStackInfo, thread);
    OFFSET(jvmtiStackInfo, state);
    OFFSET(jvmtiStackInfo, frame_buffer);
    OFFSET(jvmtiStackInfo, frame_count);

    SIZE(jvmtiHeapReferenceInfoField);
    OFFSET(jvmtiHeapReferenceInfoField, index);

    SIZE(jvmtiHeapReferenceInfoArray);
    OFFSET(jvmtiHeapReferenceInfoArray, index);

    SIZE(jvmtiHeapReferenceInfoConstantPool);
    OFFSET(jvmtiHeapReferenceInfoConstantPool, index);

    SIZE(jvmtiHeapReferenceInfoStackLocal);
    OFFSET(jvmtiHeapReferenceInfoStackLocal, thread_tag);
    OFFSET(jvmtiHeapReferenceInfoStackLocal, thread_id);
    OFFSET(jvmtiHeapReferenceInfoStackLocal, depth);
    OFFSET(jvmtiHeapReferenceInfoStackLocal, method);
    OFFSET(jvmtiHeapReferenceInfoStackLocal, location);
    OFFSET(jvmtiHeapReferenceInfoStackLocal, slot);

    SIZE(jvmtiHeapReferenceInfoJniLocal);
    OFFSET(jvmtiHeapReferenceInfoJniLocal, thread_tag);
    OFFSET(jvmtiHeapReferenceInfoJniLocal, thread_id);
    OFFSET(jvmtiHeapReferenceInfoJniLocal, depth);
    OFFSET(jvmtiHeapReferenceInfoJniLocal, method);

    SIZE(jvmtiHeapReferenceInfoReserved);
    OFFSET(jvmtiHeapReferenceInfoReserved, reserved1);
    OFFSET(jvmtiHeapReferenceInfoReserved, reserved2);
    OFFSET(jvmtiHeapReferenceInfoReserved, reserved3);
    OFFSET(jvmtiHeapReferenceInfoReserved, reserved4);
    OFFSET(jvmtiHeapReferenceInfoReserved, reserved5);
    OFFSET(jvmtiHeapReferenceInfoReserved, reserved6);
    OFFSET(jvmtiHeapReferenceInfoReserved, reserved7);
    OFFSET(jvmtiHeapReferenceInfoReserved, reserved8);

    SIZE(jvmtiHeapReferenceInfo);
    OFFSET(jvmtiHeapReferenceInfo, field);
    OFFSET(jvmtiHeapReferenceInfo, array);
    OFFSET(jvmtiHeapReferenceInfo, constant_pool);
    OFFSET(jvmtiHeapReferenceInfo, stack_local);
    OFFSET(jvmtiHeapReferenceInfo, jni_local);
    OFFSET(jvmtiHeapReferenceInfo, other);

    SIZE(jvmtiHeapCallbacks);
    OFFSET(jvmtiHeapCallbacks, heap_iteration_callback);
    OFFSET(jvmtiHeapCallbacks, heap_reference_callback);
    OFFSET(jvmtiHeapCallbacks, primitive_field_callback);
    OFFSET(jvmtiHeapCallbacks, array_primitive_value_callback);
    OFFSET(jvmtiHeapCallbacks, string_primitive_value_callback);
    OFFSET(jvmtiHeapCallbacks, reserved5);
    OFFSET(jvmtiHeapCallbacks, reserved6);
    OFFSET(jvmtiHeapCallbacks, reserved7);
    OFFSET(jvmtiHeapCallbacks, reserved8);
    OFFSET(jvmtiHeapCallbacks, reserved9);
    OFFSET(jvmtiHeapCallbacks, reserved10);
    OFFSET(jvmtiHeapCallbacks, reserved11);
    OFFSET(jvmtiHeapCallbacks, reserved12);
    OFFSET(jvmtiHeapCallbacks, reserved13);
    OFFSET(jvmtiHeapCallbacks, reserved14);
    OFFSET(jvmtiHeapCallbacks, reserved15);

    SIZE(jvmtiClassDefinition);
    OFFSET(jvmtiClassDefinition, klass);
    OFFSET(jvmtiClassDefinition, class_byte_count);
    OFFSET(jvmtiClassDefinition, class_bytes);

    SIZE(jvmtiMonitorUsage);
    OFFSET(jvmtiMonitorUsage, owner);
    OFFSET(jvmtiMonitorUsage, entry_count);
    OFFSET(jvmtiMonitorUsage, waiter_count);
    OFFSET(jvmtiMonitorUsage, waiters);
    OFFSET(jvmtiMonitorUsage, notify_waiter_count);
    OFFSET(jvmtiMonitorUsage, notify_waiters);

    SIZE(jvmtiLineNumberEntry);
    OFFSET(jvmtiLineNumberEntry, start_location);
    OFFSET(jvmtiLineNumberEntry, line_number);

    SIZE(jvmtiLocalVariableEntry);
    OFFSET(jvmtiLocalVariableEntry, start_location);
    OFFSET(jvmtiLocalVariableEntry, length);
    OFFSET(jvmtiLocalVariableEntry, name);
    OFFSET(jvmtiLocalVariableEntry, signature);
    OFFSET(jvmtiLocalVariableEntry, generic_signature);
    OFFSET(jvmtiLocalVariableEntry, slot);

    SIZE(jvmtiParamInfo);
    OFFSET(jvmtiParamInfo, name);
    OFFSET(jvmtiParamInfo, kind);
    OFFSET(jvmtiParamInfo, base_type);
    OFFSET(jvmtiParamInfo, null_ok);

    SIZE(jvmtiExtensionFunctionInfo);
    OFFSET(jvmtiExtensionFunctionInfo, func);
    OFFSET(jvmtiExtensionFunctionInfo, id);
    OFFSET(jvmtiExtensionFunctionInfo, short_description);
    OFFSET(jvmtiExtensionFunctionInfo, param_count);
    OFFSET(jvmtiExtensionFunctionInfo, params);
    OFFSET(jvmtiExtensionFunctionInfo, error_count);
    OFFSET(jvmtiExtensionFunctionInfo, errors);

    SIZE(jvmtiExtensionEventInfo);
    OFFSET(jvmtiExtensionEventInfo, extension_event_index);
    OFFSET(jvmtiExtensionEventInfo, id);
    OFFSET(jvmtiExtensionEventInfo, short_description);
    OFFSET(jvmtiExtensionEventInfo, param_count);
    OFFSET(jvmtiExtensionEventInfo, params);

    SIZE(jvmtiTimerInfo);
    OFFSET(jvmtiTimerInfo, max_value);
    OFFSET(jvmtiTimerInfo, may_skip_forward);
    OFFSET(jvmtiTimerInfo, may_skip_backward);
    OFFSET(jvmtiTimerInfo, kind);
    OFFSET(jvmtiTimerInfo, reserved1);
    OFFSET(jvmtiTimerInfo, reserved2);

    SIZE(jvmtiAddrLocationMap);
    OFFSET(jvmtiAddrLocationMap, start_address);
    OFFSET(jvmtiAddrLocationMap, location);

    SIZE(jvmtiCompiledMethodLoadRecordHeader);
    OFFSET(jvmtiCompiledMethodLoadRecordHeader, kind);
    OFFSET(jvmtiCompiledMethodLoadRecordHeader, majorinfoversion);
    OFFSET(jvmtiCompiledMethodLoadRecordHeader, minorinfoversion);
    OFFSET(jvmtiCompiledMethodLoadRecordHeader, next);

    SIZE(PCStackInfo);
    OFFSET(PCStackInfo, pc);
    OFFSET(PCStackInfo, numstackframes);
    OFFSET(PCStackInfo, methods);
    OFFSET(PCStackInfo, bcis);

    SIZE(jvmtiCompiledMethodLoadInlineRecord);
    OFFSET(jvmtiCompiledMethodLoadInlineRecord, header);
    OFFSET(jvmtiCompiledMethodLoadInlineRecord, numpcs);
    OFFSET(jvmtiCompiledMethodLoadInlineRecord, pcinfo);

    SIZE(jvmtiCompiledMethodLoadDummyRecord);
    OFFSET(jvmtiCompiledMethodLoadDummyRecord, header);
    OFFSET(jvmtiCompiledMethodLoadDummyRecord, message);

    SIZE(jvmtiEventCallbacks);
    OFFSET(jvmtiEventCallbacks, VMInit);
    OFFSET(jvmtiEventCallbacks, VMDeath);
    OFFSET(jvmtiEventCallbacks, ThreadStart);
    OFFSET(jvmtiEventCallbacks, ThreadEnd);
    OFFSET(jvmtiEventCallbacks, ClassFileLoadHook);
    OFFSET(jvmtiEventCallbacks, ClassLoad);
    OFFSET(jvmtiEventCallbacks, ClassPrepare);
    OFFSET(jvmtiEventCallbacks, VMStart);
    OFFSET(jvmtiEventCallbacks, Exception);
    OFFSET(jvmtiEventCallbacks, ExceptionCatch);
    OFFSET(jvmtiEventCallbacks, SingleStep);
    OFFSET(jvmtiEventCallbacks, FramePop);
    OFFSET(jvmtiEventCallbacks, Breakpoint);
    OFFSET(jvmtiEventCallbacks, FieldAccess);
    OFFSET(jvmtiEventCallbacks, FieldModification);
    OFFSET(jvmtiEventCallbacks, MethodEntry);
    OFFSET(jvmtiEventCallbacks, MethodExit);
    OFFSET(jvmtiEventCallbacks, NativeMethodBind);
    OFFSET(jvmtiEventCallbacks, CompiledMethodLoad);
    OFFSET(jvmtiEventCallbacks, CompiledMethodUnload);
    OFFSET(jvmtiEventCallbacks, DynamicCodeGenerated);
    OFFSET(jvmtiEventCallbacks, DataDumpRequest);
    OFFSET(jvmtiEventCallbacks, reserved72);
    OFFSET(jvmtiEventCallbacks, MonitorWait);
    OFFSET(jvmtiEventCallbacks, MonitorWaited);
    OFFSET(jvmtiEventCallbacks, MonitorContendedEnter);
    OFFSET(jvmtiEventCallbacks, MonitorContendedEntered);
    OFFSET(jvmtiEventCallbacks, reserved77);
    OFFSET(jvmtiEventCallbacks, reserved78);
    OFFSET(jvmtiEventCallbacks, reserved79);
    OFFSET(jvmtiEventCallbacks, ResourceExhausted);
    OFFSET(jvmtiEventCallbacks, GarbageCollectionStart);
    OFFSET(jvmtiEventCallbacks, GarbageCollectionFinish);
    OFFSET(jvmtiEventCallbacks, ObjectFree);
    OFFSET(jvmtiEventCallbacks, VMObjectAlloc);
    OFFSET(jvmtiEventCallbacks, reserved85);
    OFFSET(jvmtiEventCallbacks, SampledObjectAlloc);

    SIZE(jvmtiInterface_1);
    OFFSET(jvmtiInterface_1, reserved1);
    OFFSET(jvmtiInterface_1, SetEventNotificationMode);
    OFFSET(jvmtiInterface_1, GetAllModules);
    OFFSET(jvmtiInterface_1, GetAllThreads);
    OFFSET(jvmtiInterface_1, SuspendThread);
    OFFSET(jvmtiInterface_1, ResumeThread);
    OFFSET(jvmtiInterface_1, StopThread);
    OFFSET(jvmtiInterface_1, InterruptThread);
    OFFSET(jvmtiInterface_1, GetThreadInfo);
    OFFSET(jvmtiInterface_1, GetOwnedMonitorInfo);
    OFFSET(jvmtiInterface_1, GetCurrentContendedMonitor);
    OFFSET(jvmtiInterface_1, RunAgentThread);
    OFFSET(jvmtiInterface_1, GetTopThreadGroups);
    OFFSET(jvmtiInterface_1, GetThreadGroupInfo);
    OFFSET(jvmtiInterface_1, GetThreadGroupChildren);
    OFFSET(jvmtiInterface_1, GetFrameCount);
    OFFSET(jvmtiInterface_1, GetThreadState);
    OFFSET(jvmtiInterface_1, GetCurrentThread);
    OFFSET(jvmtiInterface_1, GetFrameLocation);
    OFFSET(jvmtiInterface_1, NotifyFramePop);
    OFFSET(jvmtiInterface_1, GetLocalObject);
    OFFSET(jvmtiInterface_1, GetLocalInt);
    OFFSET(jvmtiInterface_1, GetLocalLong);
    OFFSET(jvmtiInterface_1, GetLocalFloat);
    OFFSET(jvmtiInterface_1, GetLocalDouble);
    OFFSET(jvmtiInterface_1, SetLocalObject);
    OFFSET(jvmtiInterface_1, SetLocalInt);
    OFFSET(jvmtiInterface_1, SetLocalLong);
    OFFSET(jvmtiInterface_1, SetLocalFloat);
    OFFSET(jvmtiInterface_1, SetLocalDouble);
    OFFSET(jvmtiInterface_1, CreateRawMonitor);
    OFFSET(jvmtiInterface_1, DestroyRawMonitor);
    OFFSET(jvmtiInterface_1, RawMonitorEnter);
    OFFSET(jvmtiInterface_1, RawMonitorExit);
    OFFSET(jvmtiInterface_1, RawMonitorWait);
    OFFSET(jvmtiInterface_1, RawMonitorNotify);
    OFFSET(jvmtiInterface_1, RawMonitorNotifyAll);
    OFFSET(jvmtiInterface_1, SetBreakpoint);
    OFFSET(jvmtiInterface_1, ClearBreakpoint);
    OFFSET(jvmtiInterface_1, GetNamedModule);
    OFFSET(jvmtiInterface_1, SetFieldAccessWatch);
    OFFSET(jvmtiInterface_1, ClearFieldAccessWatch);
    OFFSET(jvmtiInterface_1, SetFieldModificationWatch);
    OFFSET(jvmtiInterface_1, ClearFieldModificationWatch);
    OFFSET(jvmtiInterface_1, IsModifiableClass);
    OFFSET(jvmtiInterface_1, Allocate);
    OFFSET(jvmtiInterface_1, Deallocate);
    OFFSET(jvmtiInterface_1, GetClassSignature);
    OFFSET(jvmtiInterface_1, GetClassStatus);
    OFFSET(jvmtiInterface_1, GetSourceFileName);
    OFFSET(jvmtiInterface_1, GetClassModifiers);
    OFFSET(jvmtiInterface_1, GetClassMethods);
    OFFSET(jvmtiInterface_1, GetClassFields);
    OFFSET(jvmtiInterface_1, GetImplementedInterfaces);
    OFFSET(jvmtiInterface_1, IsInterface);
    OFFSET(jvmtiInterface_1, IsArrayClass);
    OFFSET(jvmtiInterface_1, GetClassLoader);
    OFFSET(jvmtiInterface_1, GetObjectHashCode);
    OFFSET(jvmtiInterface_1, GetObjectMonitorUsage);
    OFFSET(jvmtiInterface_1, GetFieldName);
    OFFSET(jvmtiInterface_1, GetFieldDeclaringClass);
    OFFSET(jvmtiInterface_1, GetFieldModifiers);
    OFFSET(jvmtiInterface_1, IsFieldSynthetic);
    OFFSET(jvmtiInterface_1, GetMethodName);
    OFFSET(jvmtiInterface_1, GetMethodDeclaringClass);
    OFFSET(jvmtiInterface_1, GetMethodModifiers);
    OFFSET(jvmtiInterface_1, reserved67);
    OFFSET(jvmtiInterface_1, GetMaxLocals);
    OFFSET(jvmtiInterface_1, GetArgumentsSize);
    OFFSET(jvmtiInterface_1, GetLineNumberTable);
    OFFSET(jvmtiInterface_1, GetMethodLocation);
    OFFSET(jvmtiInterface_1, GetLocalVariableTable);
    OFFSET(jvmtiInterface_1, SetNativeMethodPrefix);
    OFFSET(jvmtiInterface_1, SetNativeMethodPrefixes);
    OFFSET(jvmtiInterface_1, GetBytecodes);
    OFFSET(jvmtiInterface_1, IsMethodNative);
    OFFSET(jvmtiInterface_1, IsMethodSynthetic);
    OFFSET(jvmtiInterface_1, GetLoadedClasses);
    OFFSET(jvmtiInterface_1, GetClassLoaderClasses);
    OFFSET(jvmtiInterface_1, PopFrame);
    OFFSET(jvmtiInterface_1, ForceEarlyReturnObject);
    OFFSET(jvmtiInterface_1, ForceEarlyReturnInt);
    OFFSET(jvmtiInterface_1, ForceEarlyReturnLong);
    OFFSET(jvmtiInterface_1, ForceEarlyReturnFloat);
    OFFSET(jvmtiInterface_1, ForceEarlyReturnDouble);
    OFFSET(jvmtiInterface_1, ForceEarlyReturnVoid);
    OFFSET(jvmtiInterface_1, RedefineClasses);
    OFFSET(jvmtiInterface_1, GetVersionNumber);
    OFFSET(jvmtiInterface_1, GetCapabilities);
    OFFSET(jvmtiInterface_1, GetSourceDebugExtension);
    OFFSET(jvmtiInterface_1, IsMethodObsolete);
    OFFSET(jvmtiInterface_1, SuspendThreadList);
    OFFSET(jvmtiInterface_1, ResumeThreadList);
    OFFSET(jvmtiInterface_1, AddModuleReads);
    OFFSET(jvmtiInterface_1, AddModuleExports);
    OFFSET(jvmtiInterface_1, AddModuleOpens);
    OFFSET(jvmtiInterface_1, AddModuleUses);
    OFFSET(jvmtiInterface_1, AddModuleProvides);
    OFFSET(jvmtiInterface_1, IsModifiableModule);
    OFFSET(jvmtiInterface_1, GetAllStackTraces);
    OFFSET(jvmtiInterface_1, GetThreadListStackTraces);
    OFFSET(jvmtiInterface_1, GetThreadLocalStorage);
    OFFSET(jvmtiInterface_1, SetThreadLocalStorage);
    OFFSET(jvmtiInterface_1, GetStackTrace);
    OFFSET(jvmtiInterface_1, reserved105);
    OFFSET(jvmtiInterface_1, GetTag);
    OFFSET(jvmtiInterface_1, SetTag);
    OFFSET(jvmtiInterface_1, ForceGarbageCollection);
    OFFSET(jvmtiInterface_1, IterateOverObjectsReachableFromObject);
    OFFSET(jvmtiInterface_1, IterateOverReachableObjects);
    OFFSET(jvmtiInterface_1, IterateOverHeap);
    OFFSET(jvmtiInterface_1, IterateOverInstancesOfClass);
    OFFSET(jvmtiInterface_1, reserved113);
    OFFSET(jvmtiInterface_1, GetObjectsWithTags);
    OFFSET(jvmtiInterface_1, FollowReferences);
    OFFSET(jvmtiInterface_1, IterateThroughHeap);
    OFFSET(jvmtiInterface_1, reserved117);
    OFFSET(jvmtiInterface_1, reserved118);
    OFFSET(jvmtiInterface_1, reserved119);
    OFFSET(jvmtiInterface_1, SetJNIFunctionTable);
    OFFSET(jvmtiInterface_1, GetJNIFunctionTable);
    OFFSET(jvmtiInterface_1, SetEventCallbacks);
    OFFSET(jvmtiInterface_1, GenerateEvents);
    OFFSET(jvmtiInterface_1, GetExtensionFunctions);
    OFFSET(jvmtiInterface_1, GetExtensionEvents);
    OFFSET(jvmtiInterface_1, SetExtensionEventCallback);
    OFFSET(jvmtiInterface_1, DisposeEnvironment);
    OFFSET(jvmtiInterface_1, GetErrorName);
    OFFSET(jvmtiInterface_1, GetJLocationFormat);
    OFFSET(jvmtiInterface_1, GetSystemProperties);
    OFFSET(jvmtiInterface_1, GetSystemProperty);
    OFFSET(jvmtiInterface_1, SetSystemProperty);
    OFFSET(jvmtiInterface_1, GetPhase);
    OFFSET(jvmtiInterface_1, GetCurrentThreadCpuTimerInfo);
    OFFSET(jvmtiInterface_1, GetCurrentThreadCpuTime);
    OFFSET(jvmtiInterface_1, GetThreadCpuTimerInfo);
    OFFSET(jvmtiInterface_1, GetThreadCpuTime);
    OFFSET(jvmtiInterface_1, GetTimerInfo);
    OFFSET(jvmtiInterface_1, GetTime);
    OFFSET(jvmtiInterface_1, GetPotentialCapabilities);
    OFFSET(jvmtiInterface_1, reserved141);
    OFFSET(jvmtiInterface_1, AddCapabilities);
    OFFSET(jvmtiInterface_1, RelinquishCapabilities);
    OFFSET(jvmtiInterface_1, GetAvailableProcessors);
    OFFSET(jvmtiInterface_1, GetClassVersionNumbers);
    OFFSET(jvmtiInterface_1, GetConstantPool);
    OFFSET(jvmtiInterface_1, GetEnvironmentLocalStorage);
    OFFSET(jvmtiInterface_1, SetEnvironmentLocalStorage);
    OFFSET(jvmtiInterface_1, AddToBootstrapClassLoaderSearch);
    OFFSET(jvmtiInterface_1, SetVerboseFlag);
    OFFSET(jvmtiInterface_1, AddToSystemClassLoaderSearch);
    OFFSET(jvmtiInterface_1, RetransformClasses);
    OFFSET(jvmtiInterface_1, GetOwnedMonitorStackDepthInfo);
    OFFSET(jvmtiInterface_1, GetObjectSize);
    OFFSET(jvmtiInterface_1, GetLocalInstance);
    OFFSET(jvmtiInterface_1, SetHeapSamplingInterval);

    SIZE(jvmtiHeapReferenceKind);
    VALUE(JVMTI_HEAP_REFERENCE_CLASS);
    VALUE(JVMTI_HEAP_REFERENCE_FIELD);
    VALUE(JVMTI_HEAP_REFERENCE_ARRAY_ELEMENT);
    VALUE(JVMTI_HEAP_REFERENCE_CLASS_LOADER);
    VALUE(JVMTI_HEAP_REFERENCE_SIGNERS);
    VALUE(JVMTI_HEAP_REFERENCE_PROTECTION_DOMAIN);
    VALUE(JVMTI_HEAP_REFERENCE_INTERFACE);
    VALUE(JVMTI_HEAP_REFERENCE_STATIC_FIELD);
    VALUE(JVMTI_HEAP_REFERENCE_CONSTANT_POOL);
    VALUE(JVMTI_HEAP_REFERENCE_SUPERCLASS);
    VALUE(JVMTI_HEAP_REFERENCE_JNI_GLOBAL);
    VALUE(JVMTI_HEAP_REFERENCE_SYSTEM_CLASS);
    VALUE(JVMTI_HEAP_REFERENCE_MONITOR);
    VALUE(JVMTI_HEAP_REFERENCE_STACK_LOCAL);
    VALUE(JVMTI_HEAP_REFERENCE_JNI_LOCAL);
    VALUE(JVMTI_HEAP_REFERENCE_THREAD);
    VALUE(JVMTI_HEAP_REFERENCE_OTHER);

    SIZE(jvmtiPrimitiveType);
    VALUE(JVMTI_PRIMITIVE_TYPE_BOOLEAN);
    VALUE(JVMTI_PRIMITIVE_TYPE_BYTE);
    VALUE(JVMTI_PRIMITIVE_TYPE_CHAR);
    VALUE(JVMTI_PRIMITIVE_TYPE_SHORT);
    VALUE(JVMTI_PRIMITIVE_TYPE_INT);
    VALUE(JVMTI_PRIMITIVE_TYPE_LONG);
    VALUE(JVMTI_PRIMITIVE_TYPE_FLOAT);
    VALUE(JVMTI_PRIMITIVE_TYPE_DOUBLE);

    SIZE(jvmtiHeapObjectFilter);
    VALUE(JVMTI_HEAP_OBJECT_TAGGED);
    VALUE(JVMTI_HEAP_OBJECT_UNTAGGED);
    VALUE(JVMTI_HEAP_OBJECT_EITHER);

    SIZE(jvmtiHeapRootKind);
    VALUE(JVMTI_HEAP_ROOT_JNI_GLOBAL);
    VALUE(JVMTI_HEAP_ROOT_SYSTEM_CLASS);
    VALUE(JVMTI_HEAP_ROOT_MONITOR);
    VALUE(JVMTI_HEAP_ROOT_STACK_LOCAL);
    VALUE(JVMTI_HEAP_ROOT_JNI_LOCAL);
    VALUE(JVMTI_HEAP_ROOT_THREAD);
    VALUE(JVMTI_HEAP_ROOT_OTHER);

    SIZE(jvmtiObjectReferenceKind);
    VALUE(JVMTI_REFERENCE_CLASS);
    VALUE(JVMTI_REFERENCE_FIELD);
    VALUE(JVMTI_REFERENCE_ARRAY_ELEMENT);
    VALUE(JVMTI_REFERENCE_CLASS_LOADER);
    VALUE(JVMTI_REFERENCE_SIGNERS);
    VALUE(JVMTI_REFERENCE_PROTECTION_DOMAIN);
    VALUE(JVMTI_REFERENCE_INTERFACE);
    VALUE(JVMTI_REFERENCE_STATIC_FIELD);
    VALUE(JVMTI_REFERENCE_CONSTANT_POOL);

    SIZE(jvmtiIterationControl);
    VALUE(JVMTI_ITERATION_CONTINUE);
    VALUE(JVMTI_ITERATION_IGNORE);
    VALUE(JVMTI_ITERATION_ABORT);

    SIZE(jvmtiEventMode);
    VALUE(JVMTI_ENABLE);
    VALUE(JVMTI_DISABLE);

    SIZE(jvmtiParamTypes);
    VALUE(JVMTI_TYPE_JBYTE);
    VALUE(JVMTI_TYPE_JCHAR);
    VALUE(JVMTI_TYPE_JSHORT);
    VALUE(JVMTI_TYPE_JINT);
    VALUE(JVMTI_TYPE_JLONG);
    VALUE(JVMTI_TYPE_JFLOAT);
    VALUE(JVMTI_TYPE_JDOUBLE);
    VALUE(JVMTI_TYPE_JBOOLEAN);
    VALUE(JVMTI_TYPE_JOBJECT);
    VALUE(JVMTI_TYPE_JTHREAD);
    VALUE(JVMTI_TYPE_JCLASS);
    VALUE(JVMTI_TYPE_JVALUE);
    VALUE(JVMTI_TYPE_JFIELDID);
    VALUE(JVMTI_TYPE_JMETHODID);
    VALUE(JVMTI_TYPE_CCHAR);
    VALUE(JVMTI_TYPE_CVOID);
    VALUE(JVMTI_TYPE_JNIENV);

    SIZE(jvmtiParamKind);
    VALUE(JVMTI_KIND_IN);
    VALUE(JVMTI_KIND_IN_PTR);
    VALUE(JVMTI_KIND_IN_BUF);
    VALUE(JVMTI_KIND_ALLOC_BUF);
    VALUE(JVMTI_KIND_ALLOC_ALLOC_BUF);
    VALUE(JVMTI_KIND_OUT);
    VALUE(JVMTI_KIND_OUT_BUF);

    SIZE(jvmtiTimerKind);
    VALUE(JVMTI_TIMER_USER_CPU);
    VALUE(JVMTI_TIMER_TOTAL_CPU);
    VALUE(JVMTI_TIMER_ELAPSED);

    SIZE(jvmtiPhase);
    VALUE(JVMTI_PHASE_ONLOAD);
    VALUE(JVMTI_PHASE_PRIMORDIAL);
    VALUE(JVMTI_PHASE_START);
    VALUE(JVMTI_PHASE_LIVE);
    VALUE(JVMTI_PHASE_DEAD);

    SIZE(jvmtiVerboseFlag);
    VALUE(JVMTI_VERBOSE_OTHER);
    VALUE(JVMTI_VERBOSE_GC);
    VALUE(JVMTI_VERBOSE_CLASS);
    VALUE(JVMTI_VERBOSE_JNI);

    SIZE(jvmtiJlocationFormat);
    VALUE(JVMTI_JLOCATION_JVMBCI);
    VALUE(JVMTI_JLOCATION_MACHINEPC);
    VALUE(JVMTI_JLOCATION_OTHER);

    SIZE(jvmtiError);
    VALUE(JVMTI_ERROR_NONE);
    VALUE(JVMTI_ERROR_INVALID_THREAD);
    VALUE(JVMTI_ERROR_INVALID_THREAD_GROUP);
    VALUE(JVMTI_ERROR_INVALID_PRIORITY);
    VALUE(JVMTI_ERROR_THREAD_NOT_SUSPENDED);
    VALUE(JVMTI_ERROR_THREAD_SUSPENDED);
    VALUE(JVMTI_ERROR_THREAD_NOT_ALIVE);
    VALUE(JVMTI_ERROR_INVALID_OBJECT);
    VALUE(JVMTI_ERROR_INVALID_CLASS);
    VALUE(JVMTI_ERROR_CLASS_NOT_PREPARED);
    VALUE(JVMTI_ERROR_INVALID_METHODID);
    VALUE(JVMTI_ERROR_INVALID_LOCATION);
    VALUE(JVMTI_ERROR_INVALID_FIELDID);
    VALUE(JVMTI_ERROR_INVALID_MODULE);
    VALUE(JVMTI_ERROR_NO_MORE_FRAMES);
    VALUE(JVMTI_ERROR_OPAQUE_FRAME);
    VALUE(JVMTI_ERROR_TYPE_MISMATCH);
    VALUE(JVMTI_ERROR_INVALID_SLOT);
    VALUE(JVMTI_ERROR_DUPLICATE);
    VALUE(JVMTI_ERROR_NOT_FOUND);
    VALUE(JVMTI_ERROR_INVALID_MONITOR);
    VALUE(JVMTI_ERROR_NOT_MONITOR_OWNER);
    VALUE(JVMTI_ERROR_INTERRUPT);
    VALUE(JVMTI_ERROR_INVALID_CLASS_FORMAT);
    VALUE(JVMTI_ERROR_CIRCULAR_CLASS_DEFINITION);
    VALUE(JVMTI_ERROR_FAILS_VERIFICATION);
    VALUE(JVMTI_ERROR_UNSUPPORTED_REDEFINITION_METHOD_ADDED);
    VALUE(JVMTI_ERROR_UNSUPPORTED_REDEFINITION_SCHEMA_CHANGED);
    VALUE(JVMTI_ERROR_INVALID_TYPESTATE);
    VALUE(JVMTI_ERROR_UNSUPPORTED_REDEFINITION_HIERARCHY_CHANGED);
    VALUE(JVMTI_ERROR_UNSUPPORTED_REDEFINITION_METHOD_DELETED);
    VALUE(JVMTI_ERROR_UNSUPPORTED_VERSION);
    VALUE(JVMTI_ERROR_NAMES_DONT_MATCH);
    VALUE(JVMTI_ERROR_UNSUPPORTED_REDEFINITION_CLASS_MODIFIERS_CHANGED);
    VALUE(JVMTI_ERROR_UNSUPPORTED_REDEFINITION_METHOD_MODIFIERS_CHANGED);
    VALUE(JVMTI_ERROR_UNSUPPORTED_REDEFINITION_CLASS_ATTRIBUTE_CHANGED);
    VALUE(JVMTI_ERROR_UNMODIFIABLE_CLASS);
    VALUE(JVMTI_ERROR_UNMODIFIABLE_MODULE);
    VALUE(JVMTI_ERROR_NOT_AVAILABLE);
    VALUE(JVMTI_ERROR_MUST_POSSESS_CAPABILITY);
    VALUE(JVMTI_ERROR_NULL_POINTER);
    VALUE(JVMTI_ERROR_ABSENT_INFORMATION);
    VALUE(JVMTI_ERROR_INVALID_EVENT_TYPE);
    VALUE(JVMTI_ERROR_ILLEGAL_ARGUMENT);
    VALUE(JVMTI_ERROR_NATIVE_METHOD);
    VALUE(JVMTI_ERROR_CLASS_LOADER_UNSUPPORTED);
    VALUE(JVMTI_ERROR_OUT_OF_MEMORY);
    VALUE(JVMTI_ERROR_ACCESS_DENIED);
    VALUE(JVMTI_ERROR_WRONG_PHASE);
    VALUE(JVMTI_ERROR_INTERNAL);
    VALUE(JVMTI_ERROR_UNATTACHED_THREAD);
    VALUE(JVMTI_ERROR_INVALID_ENVIRONMENT);
    VALUE(JVMTI_ERROR_MAX);

    SIZE(jvmtiEvent);
    VALUE(JVMTI_MIN_EVENT_TYPE_VAL);
    VALUE(JVMTI_EVENT_VM_INIT);
    VALUE(JVMTI_EVENT_VM_DEATH);
    VALUE(JVMTI_EVENT_THREAD_START);
    VALUE(JVMTI_EVENT_THREAD_END);
    VALUE(JVMTI_EVENT_CLASS_FILE_LOAD_HOOK);
    VALUE(JVMTI_EVENT_CLASS_LOAD);
    VALUE(JVMTI_EVENT_CLASS_PREPARE);
    VALUE(JVMTI_EVENT_VM_START);
    VALUE(JVMTI_EVENT_EXCEPTION);
    VALUE(JVMTI_EVENT_EXCEPTION_CATCH);
    VALUE(JVMTI_EVENT_SINGLE_STEP);
    VALUE(JVMTI_EVENT_FRAME_POP);
    VALUE(JVMTI_EVENT_BREAKPOINT);
    VALUE(JVMTI_EVENT_FIELD_ACCESS);
    VALUE(JVMTI_EVENT_FIELD_MODIFICATION);
    VALUE(JVMTI_EVENT_METHOD_ENTRY);
    VALUE(JVMTI_EVENT_METHOD_EXIT);
    VALUE(JVMTI_EVENT_NATIVE_METHOD_BIND);
    VALUE(JVMTI_EVENT_COMPILED_METHOD_LOAD);
    VALUE(JVMTI_EVENT_COMPILED_METHOD_UNLOAD);
    VALUE(JVMTI_EVENT_DYNAMIC_CODE_GENERATED);
    VALUE(JVMTI_EVENT_DATA_DUMP_REQUEST);
    VALUE(JVMTI_EVENT_MONITOR_WAIT);
    VALUE(JVMTI_EVENT_MONITOR_WAITED);
    VALUE(JVMTI_EVENT_MONITOR_CONTENDED_ENTER);
    VALUE(JVMTI_EVENT_MONITOR_CONTENDED_ENTERED);
    VALUE(JVMTI_EVENT_RESOURCE_EXHAUSTED);
    VALUE(JVMTI_EVENT_GARBAGE_COLLECTION_START);
    VALUE(JVMTI_EVENT_GARBAGE_COLLECTION_FINISH);
    VALUE(JVMTI_EVENT_OBJECT_FREE);
    VALUE(JVMTI_EVENT_VM_OBJECT_ALLOC);
    VALUE(JVMTI_EVENT_SAMPLED_OBJECT_ALLOC);
    VALUE(JVMTI_MAX_EVENT_TYPE_VAL);

    SIZE(jvmtiCMLRKind);
    VALUE(JVMTI_CMLR_DUMMY);
    VALUE(JVMTI_CMLR_INLINE_INFO);

    VALUE(JVMTI_VERSION_1);
    VALUE(JVMTI_VERSION_1_0);
    VALUE(JVMTI_VERSION_1_1);
    VALUE(JVMTI_VERSION_1_2);
    VALUE(JVMTI_VERSION_9);
    VALUE(JVMTI_VERSION_11);
    VALUE(JVMTI_VERSION);
    VALUE(JVMTI_THREAD_STATE_ALIVE);
    VALUE(JVMTI_THREAD_STATE_TERMINATED);
    VALUE(JVMTI_THREAD_STATE_RUNNABLE);
    VALUE(JVMTI_THREAD_STATE_BLOCKED_ON_MONITOR_ENTER);
    VALUE(JVMTI_THREAD_STATE_WAITING);
    VALUE(JVMTI_THREAD_STATE_WAITING_INDEFINITELY);
    VALUE(JVMTI_THREAD_STATE_WAITING_WITH_TIMEOUT);
    VALUE(JVMTI_THREAD_STATE_SLEEPING);
    VALUE(JVMTI_THREAD_STATE_IN_OBJECT_WAIT);
    VALUE(JVMTI_THREAD_STATE_PARKED);
    VALUE(JVMTI_THREAD_STATE_SUSPENDED);
    VALUE(JVMTI_THREAD_STATE_INTERRUPTED);
    VALUE(JVMTI_THREAD_STATE_IN_NATIVE);
    VALUE(JVMTI_THREAD_STATE_VENDOR_1);
    VALUE(JVMTI_THREAD_STATE_VENDOR_2);
    VALUE(JVMTI_THREAD_STATE_VENDOR_3);
    VALUE(JVMTI_JAVA_LANG_THREAD_STATE_MASK);
    VALUE(JVMTI_JAVA_LANG_THREAD_STATE_NEW);
    VALUE(JVMTI_JAVA_LANG_THREAD_STATE_TERMINATED);
    VALUE(JVMTI_JAVA_LANG_THREAD_STATE_RUNNABLE);
    VALUE(JVMTI_JAVA_LANG_THREAD_STATE_BLOCKED);
    VALUE(JVMTI_JAVA_LANG_THREAD_STATE_WAITING);
    VALUE(JVMTI_JAVA_LANG_THREAD_STATE_TIMED_WAITING);
    VALUE(JVMTI_THREAD_MIN_PRIORITY);
    VALUE(JVMTI_THREAD_NORM_PRIORITY);
    VALUE(JVMTI_THREAD_MAX_PRIORITY);
    VALUE(JVMTI_HEAP_FILTER_TAGGED);
    VALUE(JVMTI_HEAP_FILTER_UNTAGGED);
    VALUE(JVMTI_HEAP_FILTER_CLASS_TAGGED);
    VALUE(JVMTI_HEAP_FILTER_CLASS_UNTAGGED);
    VALUE(JVMTI_VISIT_OBJECTS);
    VALUE(JVMTI_VISIT_ABORT);
    VALUE(JVMTI_CLASS_STATUS_VERIFIED);
    VALUE(JVMTI_CLASS_STATUS_PREPARED);
    VALUE(JVMTI_CLASS_STATUS_INITIALIZED);
    VALUE(JVMTI_CLASS_STATUS_ERROR);
    VALUE(JVMTI_CLASS_STATUS_ARRAY);
    VALUE(JVMTI_CLASS_STATUS_PRIMITIVE);
    VALUE(JVMTI_VERSION_INTERFACE_JNI);
    VALUE(JVMTI_VERSION_INTERFACE_JVMTI);
    VALUE(JVMTI_VERSION_MASK_INTERFACE_TYPE);
    VALUE(JVMTI_VERSION_MASK_MAJOR);
    VALUE(JVMTI_VERSION_MASK_MINOR);
    VALUE(JVMTI_VERSION_MASK_MICRO);
    VALUE(JVMTI_VERSION_SHIFT_MAJOR);
    VALUE(JVMTI_VERSION_SHIFT_MINOR);
    VALUE(JVMTI_VERSION_SHIFT_MICRO);
    VALUE(JVMTI_RESOURCE_EXHAUSTED_OOM_ERROR);
    VALUE(JVMTI_RESOURCE_EXHAUSTED_JAVA_HEAP);
    VALUE(JVMTI_RESOURCE_EXHAUSTED_THREADS);
    VALUE(JVMTI_CMLR_MAJOR_VERSION_1);
    VALUE(JVMTI_CMLR_MINOR_VERSION_0);
    VALUE(JVMTI_CMLR_MAJOR_VERSION);
    VALUE(JVMTI_CMLR_MINOR_VERSION);

    CAPBIT(can_tag_objects);
    CAPBIT(can_generate_field_modification_events);
    CAPBIT(can_generate_field_access_events);
    CAPBIT(can_get_bytecodes);
    CAPBIT(can_get_synthetic_attribute);
    CAPBIT(can_get_owned_monitor_info);
    CAPBIT(can_get_current_contended_monitor);
    CAPBIT(can_get_monitor_info);
    CAPBIT(can_pop_frame);
    CAPBIT(can_redefine_classes);
    CAPBIT(can_signal_thread);
    CAPBIT(can_get_source_file_name);
    CAPBIT(can_get_line_numbers);
    CAPBIT(can_get_source_debug_extension);
    CAPBIT(can_access_local_variables);
    CAPBIT(can_maintain_original_method_order);
    CAPBIT(can_generate_single_step_events);
    CAPBIT(can_generate_exception_events);
    CAPBIT(can_generate_frame_pop_events);
    CAPBIT(can_generate_breakpoint_events);
    CAPBIT(can_suspend);
    CAPBIT(can_redefine_any_class);
    CAPBIT(can_get_current_thread_cpu_time);
    CAPBIT(can_get_thread_cpu_time);
    CAPBIT(can_generate_method_entry_events);
    CAPBIT(can_generate_method_exit_events);
    CAPBIT(can_generate_all_class_hook_events);
    CAPBIT(can_generate_compiled_method_load_events);
    CAPBIT(can_generate_monitor_events);
    CAPBIT(can_generate_vm_object_alloc_events);
    CAPBIT(can_generate_native_method_bind_events);
    CAPBIT(can_generate_garbage_collection_events);
    CAPBIT(can_generate_object_free_events);
    CAPBIT(can_force_early_return);
    CAPBIT(can_get_owned_monitor_stack_depth_info);
    CAPBIT(can_get_constant_pool);
    CAPBIT(can_set_native_method_prefix);
    CAPBIT(can_retransform_classes);
    CAPBIT(can_retransform_any_class);
    CAPBIT(can_generate_resource_exhaustion_heap_events);
    CAPBIT(can_generate_resource_exhaustion_threads_events);
    CAPBIT(can_generate_early_vmstart);
    CAPBIT(can_generate_early_class_hook_events);
    CAPBIT(can_generate_sampled_object_alloc_events);
    return 0;
}

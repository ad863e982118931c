//! `jvmtiCapabilities`: what an environment may do, a 128-bit C bit field.
//!
//! Rust has no bit fields, so the struct is opaque (four `u32` words, the same size and
//! alignment as the C struct) with a getter and a setter per named C bit. The bits are
//! numbered in declaration order from bit 0 of the first word, which is how GCC and Clang
//! lay out `unsigned int` bit fields on little-endian targets such as x86-64 Linux.

/// The capabilities of a JVMTI environment (`GetPotentialCapabilities`, `AddCapabilities`, ...).
///
/// Start from [`jvmtiCapabilities::new`] (nothing enabled) and turn bits on with the `set_*`
/// methods, which are named after the C fields.
#[repr(C)]
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Debug)]
pub struct jvmtiCapabilities {
    words: [u32; 4],
}

impl jvmtiCapabilities {
    /// No capability.
    pub const fn new() -> Self {
        Self { words: [0; 4] }
    }

    /// The raw words, as the C struct holds them in memory.
    pub const fn from_raw(words: [u32; 4]) -> Self {
        Self { words }
    }

    /// The raw words, e.g. to log or to intersect two capability sets.
    pub const fn to_raw(self) -> [u32; 4] {
        self.words
    }

    const fn bit(&self, index: usize) -> bool {
        self.words[index / 32] & (1 << (index % 32)) != 0
    }

    fn set_bit(&mut self, index: usize, on: bool) {
        let mask = 1 << (index % 32);
        if on {
            self.words[index / 32] |= mask;
        } else {
            self.words[index / 32] &= !mask;
        }
    }

    /// Whether `can_tag_objects` (bit 0) is set.
    pub const fn can_tag_objects(&self) -> bool {
        self.bit(0)
    }

    /// Sets or clears `can_tag_objects` (bit 0).
    pub fn set_can_tag_objects(&mut self, on: bool) {
        self.set_bit(0, on)
    }

    /// Whether `can_generate_field_modification_events` (bit 1) is set.
    pub const fn can_generate_field_modification_events(&self) -> bool {
        self.bit(1)
    }

    /// Sets or clears `can_generate_field_modification_events` (bit 1).
    pub fn set_can_generate_field_modification_events(&mut self, on: bool) {
        self.set_bit(1, on)
    }

    /// Whether `can_generate_field_access_events` (bit 2) is set.
    pub const fn can_generate_field_access_events(&self) -> bool {
        self.bit(2)
    }

    /// Sets or clears `can_generate_field_access_events` (bit 2).
    pub fn set_can_generate_field_access_events(&mut self, on: bool) {
        self.set_bit(2, on)
    }

    /// Whether `can_get_bytecodes` (bit 3) is set.
    pub const fn can_get_bytecodes(&self) -> bool {
        self.bit(3)
    }

    /// Sets or clears `can_get_bytecodes` (bit 3).
    pub fn set_can_get_bytecodes(&mut self, on: bool) {
        self.set_bit(3, on)
    }

    /// Whether `can_get_synthetic_attribute` (bit 4) is set.
    pub const fn can_get_synthetic_attribute(&self) -> bool {
        self.bit(4)
    }

    /// Sets or clears `can_get_synthetic_attribute` (bit 4).
    pub fn set_can_get_synthetic_attribute(&mut self, on: bool) {
        self.set_bit(4, on)
    }

    /// Whether `can_get_owned_monitor_info` (bit 5) is set.
    pub const fn can_get_owned_monitor_info(&self) -> bool {
        self.bit(5)
    }

    /// Sets or clears `can_get_owned_monitor_info` (bit 5).
    pub fn set_can_get_owned_monitor_info(&mut self, on: bool) {
        self.set_bit(5, on)
    }

    /// Whether `can_get_current_contended_monitor` (bit 6) is set.
    pub const fn can_get_current_contended_monitor(&self) -> bool {
        self.bit(6)
    }

    /// Sets or clears `can_get_current_contended_monitor` (bit 6).
    pub fn set_can_get_current_contended_monitor(&mut self, on: bool) {
        self.set_bit(6, on)
    }

    /// Whether `can_get_monitor_info` (bit 7) is set.
    pub const fn can_get_monitor_info(&self) -> bool {
        self.bit(7)
    }

    /// Sets or clears `can_get_monitor_info` (bit 7).
    pub fn set_can_get_monitor_info(&mut self, on: bool) {
        self.set_bit(7, on)
    }

    /// Whether `can_pop_frame` (bit 8) is set.
    pub const fn can_pop_frame(&self) -> bool {
        self.bit(8)
    }

    /// Sets or clears `can_pop_frame` (bit 8).
    pub fn set_can_pop_frame(&mut self, on: bool) {
        self.set_bit(8, on)
    }

    /// Whether `can_redefine_classes` (bit 9) is set.
    pub const fn can_redefine_classes(&self) -> bool {
        self.bit(9)
    }

    /// Sets or clears `can_redefine_classes` (bit 9).
    pub fn set_can_redefine_classes(&mut self, on: bool) {
        self.set_bit(9, on)
    }

    /// Whether `can_signal_thread` (bit 10) is set.
    pub const fn can_signal_thread(&self) -> bool {
        self.bit(10)
    }

    /// Sets or clears `can_signal_thread` (bit 10).
    pub fn set_can_signal_thread(&mut self, on: bool) {
        self.set_bit(10, on)
    }

    /// Whether `can_get_source_file_name` (bit 11) is set.
    pub const fn can_get_source_file_name(&self) -> bool {
        self.bit(11)
    }

    /// Sets or clears `can_get_source_file_name` (bit 11).
    pub fn set_can_get_source_file_name(&mut self, on: bool) {
        self.set_bit(11, on)
    }

    /// Whether `can_get_line_numbers` (bit 12) is set.
    pub const fn can_get_line_numbers(&self) -> bool {
        self.bit(12)
    }

    /// Sets or clears `can_get_line_numbers` (bit 12).
    pub fn set_can_get_line_numbers(&mut self, on: bool) {
        self.set_bit(12, on)
    }

    /// Whether `can_get_source_debug_extension` (bit 13) is set.
    pub const fn can_get_source_debug_extension(&self) -> bool {
        self.bit(13)
    }

    /// Sets or clears `can_get_source_debug_extension` (bit 13).
    pub fn set_can_get_source_debug_extension(&mut self, on: bool) {
        self.set_bit(13, on)
    }

    /// Whether `can_access_local_variables` (bit 14) is set.
    pub const fn can_access_local_variables(&self) -> bool {
        self.bit(14)
    }

    /// Sets or clears `can_access_local_variables` (bit 14).
    pub fn set_can_access_local_variables(&mut self, on: bool) {
        self.set_bit(14, on)
    }

    /// Whether `can_maintain_original_method_order` (bit 15) is set.
    pub const fn can_maintain_original_method_order(&self) -> bool {
        self.bit(15)
    }

    /// Sets or clears `can_maintain_original_method_order` (bit 15).
    pub fn set_can_maintain_original_method_order(&mut self, on: bool) {
        self.set_bit(15, on)
    }

    /// Whether `can_generate_single_step_events` (bit 16) is set.
    pub const fn can_generate_single_step_events(&self) -> bool {
        self.bit(16)
    }

    /// Sets or clears `can_generate_single_step_events` (bit 16).
    pub fn set_can_generate_single_step_events(&mut self, on: bool) {
        self.set_bit(16, on)
    }

    /// Whether `can_generate_exception_events` (bit 17) is set.
    pub const fn can_generate_exception_events(&self) -> bool {
        self.bit(17)
    }

    /// Sets or clears `can_generate_exception_events` (bit 17).
    pub fn set_can_generate_exception_events(&mut self, on: bool) {
        self.set_bit(17, on)
    }

    /// Whether `can_generate_frame_pop_events` (bit 18) is set.
    pub const fn can_generate_frame_pop_events(&self) -> bool {
        self.bit(18)
    }

    /// Sets or clears `can_generate_frame_pop_events` (bit 18).
    pub fn set_can_generate_frame_pop_events(&mut self, on: bool) {
        self.set_bit(18, on)
    }

    /// Whether `can_generate_breakpoint_events` (bit 19) is set.
    pub const fn can_generate_breakpoint_events(&self) -> bool {
        self.bit(19)
    }

    /// Sets or clears `can_generate_breakpoint_events` (bit 19).
    pub fn set_can_generate_breakpoint_events(&mut self, on: bool) {
        self.set_bit(19, on)
    }

    /// Whether `can_suspend` (bit 20) is set.
    pub const fn can_suspend(&self) -> bool {
        self.bit(20)
    }

    /// Sets or clears `can_suspend` (bit 20).
    pub fn set_can_suspend(&mut self, on: bool) {
        self.set_bit(20, on)
    }

    /// Whether `can_redefine_any_class` (bit 21) is set.
    pub const fn can_redefine_any_class(&self) -> bool {
        self.bit(21)
    }

    /// Sets or clears `can_redefine_any_class` (bit 21).
    pub fn set_can_redefine_any_class(&mut self, on: bool) {
        self.set_bit(21, on)
    }

    /// Whether `can_get_current_thread_cpu_time` (bit 22) is set.
    pub const fn can_get_current_thread_cpu_time(&self) -> bool {
        self.bit(22)
    }

    /// Sets or clears `can_get_current_thread_cpu_time` (bit 22).
    pub fn set_can_get_current_thread_cpu_time(&mut self, on: bool) {
        self.set_bit(22, on)
    }

    /// Whether `can_get_thread_cpu_time` (bit 23) is set.
    pub const fn can_get_thread_cpu_time(&self) -> bool {
        self.bit(23)
    }

    /// Sets or clears `can_get_thread_cpu_time` (bit 23).
    pub fn set_can_get_thread_cpu_time(&mut self, on: bool) {
        self.set_bit(23, on)
    }

    /// Whether `can_generate_method_entry_events` (bit 24) is set.
    pub const fn can_generate_method_entry_events(&self) -> bool {
        self.bit(24)
    }

    /// Sets or clears `can_generate_method_entry_events` (bit 24).
    pub fn set_can_generate_method_entry_events(&mut self, on: bool) {
        self.set_bit(24, on)
    }

    /// Whether `can_generate_method_exit_events` (bit 25) is set.
    pub const fn can_generate_method_exit_events(&self) -> bool {
        self.bit(25)
    }

    /// Sets or clears `can_generate_method_exit_events` (bit 25).
    pub fn set_can_generate_method_exit_events(&mut self, on: bool) {
        self.set_bit(25, on)
    }

    /// Whether `can_generate_all_class_hook_events` (bit 26) is set.
    pub const fn can_generate_all_class_hook_events(&self) -> bool {
        self.bit(26)
    }

    /// Sets or clears `can_generate_all_class_hook_events` (bit 26).
    pub fn set_can_generate_all_class_hook_events(&mut self, on: bool) {
        self.set_bit(26, on)
    }

    /// Whether `can_generate_compiled_method_load_events` (bit 27) is set.
    pub const fn can_generate_compiled_method_load_events(&self) -> bool {
        self.bit(27)
    }

    /// Sets or clears `can_generate_compiled_method_load_events` (bit 27).
    pub fn set_can_generate_compiled_method_load_events(&mut self, on: bool) {
        self.set_bit(27, on)
    }

    /// Whether `can_generate_monitor_events` (bit 28) is set.
    pub const fn can_generate_monitor_events(&self) -> bool {
        self.bit(28)
    }

    /// Sets or clears `can_generate_monitor_events` (bit 28).
    pub fn set_can_generate_monitor_events(&mut self, on: bool) {
        self.set_bit(28, on)
    }

    /// Whether `can_generate_vm_object_alloc_events` (bit 29) is set.
    pub const fn can_generate_vm_object_alloc_events(&self) -> bool {
        self.bit(29)
    }

    /// Sets or clears `can_generate_vm_object_alloc_events` (bit 29).
    pub fn set_can_generate_vm_object_alloc_events(&mut self, on: bool) {
        self.set_bit(29, on)
    }

    /// Whether `can_generate_native_method_bind_events` (bit 30) is set.
    pub const fn can_generate_native_method_bind_events(&self) -> bool {
        self.bit(30)
    }

    /// Sets or clears `can_generate_native_method_bind_events` (bit 30).
    pub fn set_can_generate_native_method_bind_events(&mut self, on: bool) {
        self.set_bit(30, on)
    }

    /// Whether `can_generate_garbage_collection_events` (bit 31) is set.
    pub const fn can_generate_garbage_collection_events(&self) -> bool {
        self.bit(31)
    }

    /// Sets or clears `can_generate_garbage_collection_events` (bit 31).
    pub fn set_can_generate_garbage_collection_events(&mut self, on: bool) {
        self.set_bit(31, on)
    }

    /// Whether `can_generate_object_free_events` (bit 32) is set.
    pub const fn can_generate_object_free_events(&self) -> bool {
        self.bit(32)
    }

    /// Sets or clears `can_generate_object_free_events` (bit 32).
    pub fn set_can_generate_object_free_events(&mut self, on: bool) {
        self.set_bit(32, on)
    }

    /// Whether `can_force_early_return` (bit 33) is set.
    pub const fn can_force_early_return(&self) -> bool {
        self.bit(33)
    }

    /// Sets or clears `can_force_early_return` (bit 33).
    pub fn set_can_force_early_return(&mut self, on: bool) {
        self.set_bit(33, on)
    }

    /// Whether `can_get_owned_monitor_stack_depth_info` (bit 34) is set.
    pub const fn can_get_owned_monitor_stack_depth_info(&self) -> bool {
        self.bit(34)
    }

    /// Sets or clears `can_get_owned_monitor_stack_depth_info` (bit 34).
    pub fn set_can_get_owned_monitor_stack_depth_info(&mut self, on: bool) {
        self.set_bit(34, on)
    }

    /// Whether `can_get_constant_pool` (bit 35) is set.
    pub const fn can_get_constant_pool(&self) -> bool {
        self.bit(35)
    }

    /// Sets or clears `can_get_constant_pool` (bit 35).
    pub fn set_can_get_constant_pool(&mut self, on: bool) {
        self.set_bit(35, on)
    }

    /// Whether `can_set_native_method_prefix` (bit 36) is set.
    pub const fn can_set_native_method_prefix(&self) -> bool {
        self.bit(36)
    }

    /// Sets or clears `can_set_native_method_prefix` (bit 36).
    pub fn set_can_set_native_method_prefix(&mut self, on: bool) {
        self.set_bit(36, on)
    }

    /// Whether `can_retransform_classes` (bit 37) is set.
    pub const fn can_retransform_classes(&self) -> bool {
        self.bit(37)
    }

    /// Sets or clears `can_retransform_classes` (bit 37).
    pub fn set_can_retransform_classes(&mut self, on: bool) {
        self.set_bit(37, on)
    }

    /// Whether `can_retransform_any_class` (bit 38) is set.
    pub const fn can_retransform_any_class(&self) -> bool {
        self.bit(38)
    }

    /// Sets or clears `can_retransform_any_class` (bit 38).
    pub fn set_can_retransform_any_class(&mut self, on: bool) {
        self.set_bit(38, on)
    }

    /// Whether `can_generate_resource_exhaustion_heap_events` (bit 39) is set.
    pub const fn can_generate_resource_exhaustion_heap_events(&self) -> bool {
        self.bit(39)
    }

    /// Sets or clears `can_generate_resource_exhaustion_heap_events` (bit 39).
    pub fn set_can_generate_resource_exhaustion_heap_events(&mut self, on: bool) {
        self.set_bit(39, on)
    }

    /// Whether `can_generate_resource_exhaustion_threads_events` (bit 40) is set.
    pub const fn can_generate_resource_exhaustion_threads_events(&self) -> bool {
        self.bit(40)
    }

    /// Sets or clears `can_generate_resource_exhaustion_threads_events` (bit 40).
    pub fn set_can_generate_resource_exhaustion_threads_events(&mut self, on: bool) {
        self.set_bit(40, on)
    }

    /// Whether `can_generate_early_vmstart` (bit 41) is set.
    pub const fn can_generate_early_vmstart(&self) -> bool {
        self.bit(41)
    }

    /// Sets or clears `can_generate_early_vmstart` (bit 41).
    pub fn set_can_generate_early_vmstart(&mut self, on: bool) {
        self.set_bit(41, on)
    }

    /// Whether `can_generate_early_class_hook_events` (bit 42) is set.
    pub const fn can_generate_early_class_hook_events(&self) -> bool {
        self.bit(42)
    }

    /// Sets or clears `can_generate_early_class_hook_events` (bit 42).
    pub fn set_can_generate_early_class_hook_events(&mut self, on: bool) {
        self.set_bit(42, on)
    }

    /// Whether `can_generate_sampled_object_alloc_events` (bit 43) is set.
    pub const fn can_generate_sampled_object_alloc_events(&self) -> bool {
        self.bit(43)
    }

    /// Sets or clears `can_generate_sampled_object_alloc_events` (bit 43).
    pub fn set_can_generate_sampled_object_alloc_events(&mut self, on: bool) {
        self.set_bit(43, on)
    }
}

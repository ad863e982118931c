//! Install (receiver side, `mode=install`): placeholder until the JVMCI half lands.

use crate::jni::Jni;
use crate::lifecycle::Agent;
use jvmti_sys::jclass;

pub fn vm_init(_agent: &'static Agent, _jni: Jni) {}
pub fn class_prepared(_agent: &Agent, _jni: Jni, _class: jclass) {}
pub fn vm_death() {}

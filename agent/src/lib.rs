//! libjitfleet.so — the JVMTI agent. (Being written.)

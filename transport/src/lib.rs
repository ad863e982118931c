//! jitfleet's shared vocabulary and transport. (Being written.)

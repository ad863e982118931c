//! Pure decoders for HotSpot 17 nmethod sections. (Being written.)
#![forbid(unsafe_code)]

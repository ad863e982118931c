//! Frame and message decoding from arbitrary bytes.
//!
//! Properties: decoding never panics, never consumes more than it was given, and whatever
//! decodes re-encodes to a frame that decodes to the same message. bincode accepts
//! non-minimal varints, so the re-encoding may be shorter than the input, never longer.

#![no_main]

use jitfleet_transport::wire::{decode_frame, encode_frame, FrameLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits too, so that the limit checks are reached with small inputs.
    let small = FrameLimits { max_control_frame: 64, max_bulk_frame: 256, max_code_frame: 1024 };
    for limits in [FrameLimits::default(), small] {
        let mut rest = data;
        while let Ok((message, used)) = decode_frame(rest, &limits) {
            assert!(used >= jitfleet_transport::wire::HEADER_LEN && used <= rest.len());
            let again = encode_frame(&message, &limits).expect("a decoded message re-encodes within its limit");
            assert!(again.len() <= used, "our encoding is the shortest one");
            let (decoded, _) = decode_frame(&again, &limits).expect("re-encoded frame decodes");
            assert_eq!(decoded, message);
            rest = &rest[used..];
        }
    }
});

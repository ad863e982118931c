//! The wire format: a versioned message set, length-prefixed frames and their size limits.
//!
//! * [`messages`] — the message structs and the closed [`Message`] set ([`PROTOCOL_VERSION`]).
//! * [`frame`] — `[kind u8][length u32 BE][bincode body]`, validated header first.
//! * [`limits`] — per-kind ceilings checked before any body byte is buffered.
//! * [`stream`] — reading and writing frames on async streams.
//! * [`samples`] — one example message of every kind, for tests and fuzz seeds.
//! * [`error`] — what went wrong, naming the kind and the numbers.
//!
//! Everything here is deterministic and free of I/O except [`stream`], so decoding can be
//! fuzzed (`transport/fuzz`) and tested byte by byte.

pub mod error;
pub mod frame;
pub mod limits;
pub mod messages;
pub mod samples;
pub mod stream;

pub use error::{DecodeError, EncodeError, ReadFrameError, WriteFrameError};
pub use frame::{decode_frame, encode_frame, FrameHeader, HEADER_LEN};
pub use limits::{FrameLimits, SizeClass};
pub use messages::*;
pub use stream::{read_frame, write_frame};

#[cfg(test)]
mod robustness {
    //! Hostile input never panics and always yields a named error. No proptest: a small
    //! deterministic generator keeps the test reproducible and dependency-free.

    use super::*;
    use super::samples::one_of_each;

    /// xorshift64*: deterministic, good enough to spray bytes.
    struct Noise(u64);

    impl Noise {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn bytes(&mut self, len: usize) -> Vec<u8> {
            (0..len).map(|_| self.next() as u8).collect()
        }
    }

    #[test]
    fn every_kind_round_trips() {
        let limits = FrameLimits::default();
        let messages = one_of_each();
        let kinds: std::collections::HashSet<_> = messages.iter().map(Message::kind).collect();
        assert_eq!(kinds.len(), MessageKind::ALL.len(), "sample covers every kind");
        for message in messages {
            let frame = encode_frame(&message, &limits).unwrap();
            let (decoded, used) = decode_frame(&frame, &limits).unwrap();
            assert_eq!(decoded, message);
            assert_eq!(used, frame.len());
        }
    }

    #[test]
    fn every_truncation_of_every_kind_is_an_error() {
        let limits = FrameLimits::default();
        for message in one_of_each() {
            let frame = encode_frame(&message, &limits).unwrap();
            for cut in 0..frame.len() {
                let result = decode_frame(&frame[..cut], &limits);
                assert!(
                    matches!(result, Err(DecodeError::Truncated { .. })),
                    "{} cut at {cut}: {result:?}",
                    message.kind()
                );
            }
        }
    }

    #[test]
    fn random_bytes_and_bit_flips_never_panic() {
        let limits = FrameLimits::default();
        let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
        let mut errors = 0;
        for round in 0..20_000 {
            let len = (noise.next() % 64) as usize;
            let mut input = noise.bytes(len);
            if round % 2 == 0 && len >= HEADER_LEN {
                // Make the header plausible so the bodies get exercised, not just the tag check.
                input[0] = MessageKind::ALL[(noise.next() as usize) % MessageKind::ALL.len()].tag();
                input[1..5].copy_from_slice(&((len - HEADER_LEN) as u32).to_be_bytes());
            }
            if decode_frame(&input, &limits).is_err() {
                errors += 1;
            }
        }
        assert!(errors > 10_000, "random input mostly fails to decode ({errors})");

        for message in one_of_each() {
            let frame = encode_frame(&message, &limits).unwrap();
            for bit in 0..frame.len() * 8 {
                let mut flipped = frame.clone();
                flipped[bit / 8] ^= 1 << (bit % 8);
                // Must not panic; either an error or some (other) valid message.
                let _ = decode_frame(&flipped, &limits);
            }
        }
    }

    #[test]
    fn a_length_prefix_inside_a_body_cannot_claim_more_than_the_body() {
        // A CodeRequest whose vec length says 2^60 entries, in a 12-byte body.
        let limits = FrameLimits::default();
        let body = [0xFFu8, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0];
        let mut frame = FrameHeader { kind: MessageKind::CodeRequest, length: body.len() as u32 }
            .to_bytes()
            .to_vec();
        frame.extend_from_slice(&body);
        match decode_frame(&frame, &limits) {
            Err(DecodeError::Body { kind: MessageKind::CodeRequest, length: 12, .. }) => {}
            other => panic!("expected a Body error, got {other:?}"),
        }
    }

    #[test]
    fn oversized_headers_are_refused_for_every_kind() {
        let limits = FrameLimits::default();
        for &kind in MessageKind::ALL {
            let limit = limits.limit_for(kind);
            let header = FrameHeader { kind, length: limit + 1 }.to_bytes();
            match decode_frame(&header, &limits) {
                Err(DecodeError::TooLarge { kind: k, length, limit: l }) => {
                    assert_eq!((k, length, l), (kind, limit + 1, limit));
                }
                other => panic!("{kind}: expected TooLarge, got {other:?}"),
            }
        }
    }
}

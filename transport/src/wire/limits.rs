//! Size limits for frames, checked against the frame header *before* any buffer is allocated.
//!
//! Every message kind belongs to a [`SizeClass`]; each class has its own ceiling so that a peer
//! cannot make us allocate 64 MiB by sending a `Ping` header that claims to be huge. The ceilings
//! are configurable (the server may want a smaller code ceiling), but never above
//! [`ABSOLUTE_MAX_FRAME`].

use super::messages::MessageKind;

/// No configuration may raise a frame ceiling above this (256 MiB): a hard stop for typos.
pub const ABSOLUTE_MAX_FRAME: u32 = 256 * 1024 * 1024;

/// Default ceiling for frames carrying machine code (`CodeResponse`, `CodeUpload`).
pub const DEFAULT_MAX_CODE_FRAME: u32 = 64 * 1024 * 1024;

/// Default ceiling for bulk data frames (profile deltas, catalogs, compile-event batches).
pub const DEFAULT_MAX_BULK_FRAME: u32 = 16 * 1024 * 1024;

/// Default ceiling for control frames (hello, ping, policy, errors, requests, reports).
pub const DEFAULT_MAX_CONTROL_FRAME: u32 = 1024 * 1024;

/// How large a message of a given kind may legitimately be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SizeClass {
    /// Small, fixed-shape messages.
    Control,
    /// Batches of profile or catalog data.
    Bulk,
    /// Serialized portable nmethods.
    Code,
}

/// Per-size-class frame ceilings, in bytes of frame payload (the header is not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameLimits {
    /// Ceiling for [`SizeClass::Control`] messages.
    pub max_control_frame: u32,
    /// Ceiling for [`SizeClass::Bulk`] messages.
    pub max_bulk_frame: u32,
    /// Ceiling for [`SizeClass::Code`] messages.
    pub max_code_frame: u32,
}

impl Default for FrameLimits {
    fn default() -> Self {
        Self {
            max_control_frame: DEFAULT_MAX_CONTROL_FRAME,
            max_bulk_frame: DEFAULT_MAX_BULK_FRAME,
            max_code_frame: DEFAULT_MAX_CODE_FRAME,
        }
    }
}

impl FrameLimits {
    /// The ceiling for one message kind, clamped to [`ABSOLUTE_MAX_FRAME`].
    pub fn limit_for(&self, kind: MessageKind) -> u32 {
        let configured = match kind.size_class() {
            SizeClass::Control => self.max_control_frame,
            SizeClass::Bulk => self.max_bulk_frame,
            SizeClass::Code => self.max_code_frame,
        };
        configured.min(ABSOLUTE_MAX_FRAME)
    }

    /// The largest payload any kind may have: how much a reader may ever need to buffer.
    pub fn global_max(&self) -> u32 {
        self.max_control_frame
            .max(self.max_bulk_frame)
            .max(self.max_code_frame)
            .min(ABSOLUTE_MAX_FRAME)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_kinds_get_the_code_ceiling_and_control_kinds_the_small_one() {
        let limits = FrameLimits::default();
        assert_eq!(limits.limit_for(MessageKind::CodeUpload), DEFAULT_MAX_CODE_FRAME);
        assert_eq!(limits.limit_for(MessageKind::CodeResponse), DEFAULT_MAX_CODE_FRAME);
        assert_eq!(limits.limit_for(MessageKind::Ping), DEFAULT_MAX_CONTROL_FRAME);
        assert_eq!(limits.limit_for(MessageKind::ProfileDelta), DEFAULT_MAX_BULK_FRAME);
        assert_eq!(limits.global_max(), DEFAULT_MAX_CODE_FRAME);
    }

    #[test]
    fn configured_ceilings_are_clamped_to_the_absolute_maximum() {
        let limits = FrameLimits { max_code_frame: u32::MAX, ..FrameLimits::default() };
        assert_eq!(limits.limit_for(MessageKind::CodeUpload), ABSOLUTE_MAX_FRAME);
        assert_eq!(limits.global_max(), ABSOLUTE_MAX_FRAME);
    }
}

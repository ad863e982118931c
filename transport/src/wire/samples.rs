//! Example messages, one of every kind: for unit and integration tests, and as seeds for the
//! fuzz corpus. Not used by the transport itself.

use super::messages::*;

/// A plausible compat key.
pub fn compat_key() -> crate::compat::CompatKey {
    crate::compat::CompatKey {
        libjvm_build_id: "0123abcd".into(),
        vm_version: "17.0.15+6-Debian-1deb12u1".into(),
        gc: "G1".into(),
        compressed_oops: true,
        narrow_oop_mode: "ZeroBased".into(),
        narrow_oop_base: 0,
        narrow_oop_shift: 3,
        compressed_class_pointers: true,
        narrow_klass_base_is_zero: false,
        narrow_klass_shift: 0,
        object_alignment: 8,
        cpu_features: "cx8, cmov, avx2".into(),
        jvmci_enabled: true,
        code_flags: [("UseAVX".to_string(), "2".to_string())].into_iter().collect(),
    }
}

/// A plausible profile of one method.
pub fn method_profile() -> crate::profile::MethodProfile {
    use crate::profile::*;
    MethodProfile {
        method: MethodId {
            class: ClassId { name: "Foo".into(), loader: LoaderId::Boot, bytes_hash: Some([7; 32]) },
            name: "bar".into(),
            descriptor: "(I)I".into(),
        },
        counters: Counters { invocations: 10_000, backedges: 40 },
        method_data: Some(MethodData {
            invocations: 500,
            backedges: 2,
            decompiles: 0,
            cells: vec![BciProfile { bci: 4, data: ProfileData::Branch { taken: 3, not_taken: 9 } }],
        }),
        highest_tier: 3,
        code_size: 42,
    }
}

/// One message of every kind, with every field set to a non-default value.
pub fn one_of_each() -> Vec<Message> {
    let code = vec![0x90u8; 300];
    let hash = ContentHash::of(&code);
    vec![
        Hello {
            protocol_version: PROTOCOL_VERSION,
            application: "petclinic".into(),
            compat_key: compat_key(),
            agent_version: "0.1.0".into(),
            role: Role::Donor,
            replica_id: "host-1/4242".into(),
        }
        .into(),
        HelloAck { protocol_version: 1, server_version: "0.1.0".into(), granted_role: Role::Receiver, session_id: 9 }.into(),
        Refuse { reason: RefuseReason::RoleNotAllowed, detail: "receiver cert".into() }.into(),
        ProfileDelta { sequence: 3, uptime_ms: 5000, methods: vec![method_profile()] }.into(),
        CompileEvents {
            events: vec![CompileEvent {
                method: "LFoo;bar(I)I".into(),
                tier: 4,
                code_size: 512,
                kind: CompileEventKind::Loaded,
                inlined: vec!["LFoo;baz()V".into()],
                uptime_ms: 1234,
            }],
            dropped: 2,
        }
        .into(),
        CodeCatalog {
            compat_key_hash: ContentHash::of_compat_key(&compat_key()),
            entries: vec![CatalogEntry { content_hash: hash, method: "LFoo;bar(I)I".into(), size: 300 }],
        }
        .into(),
        CodeRequest { hashes: vec![hash, ContentHash::of(b"other")] }.into(),
        CodeResponse { hash, bytes: code.clone() }.into(),
        CodeUpload { hash, method: "LFoo;bar(I)I".into(), bytes: code }.into(),
        InstallReport {
            records: vec![
                InstallRecord { hash, outcome: InstallOutcome::Installed },
                InstallRecord { hash, outcome: InstallOutcome::Skipped { reason: "class not initialised".into() } },
                InstallRecord { hash, outcome: InstallOutcome::Failed { reason: "jvmci".into() } },
                InstallRecord { hash, outcome: InstallOutcome::Deoptimized { reason: "class_check".into() } },
            ],
        }
        .into(),
        Policy { profile_interval_ms: 1000, max_methods_per_delta: 500, upload_code: true, install_code: true }.into(),
        Ping { nonce: 77 }.into(),
        Pong { nonce: 77 }.into(),
        Message::error(ErrorCode::NotFound, "no such blob"),
    ]
}

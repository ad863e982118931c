//! The QUIC transport over loopback with real certificates: authentication, refusals, limits,
//! malformed input, every message kind, reconnection and keep-alive.

mod support;

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use jitfleet_transport::quic::{close_code, Backoff, Client, QuicError, Server, TransportOptions};
use jitfleet_transport::wire::samples::{compat_key, one_of_each};
use jitfleet_transport::wire::*;
use support::*;

fn hello(role: Role) -> Message {
    Hello {
        protocol_version: PROTOCOL_VERSION,
        application: "petclinic".into(),
        compat_key: compat_key(),
        agent_version: "test".into(),
        role,
        replica_id: "test-replica".into(),
    }
    .into()
}

/// Waits (briefly) until `condition` holds; server-side bookkeeping lags the client a little.
async fn eventually(mut condition: impl FnMut() -> bool) -> bool {
    for _ in 0..100 {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    condition()
}

#[tokio::test]
async fn mutual_tls_succeeds_and_the_server_sees_the_client_identity() {
    let pki = TestPki::new();
    let (addr, mut seen) = start_server(&pki, fast_options());

    let connection = connect(addr, pki.client_tls("donor")).await;
    let Some(Seen::Connected(Some(peer))) = seen.recv().await else { panic!("server saw no identity") };
    assert_eq!(peer.common_name.as_deref(), Some("donor"));
    assert_eq!(peer.role(), Some(Role::Donor));

    // The client sees the server's certificate too.
    let server = connection.peer().expect("server identity");
    assert_eq!(server.common_name.as_deref(), Some("jitfleet-server"));
    assert!(server.dns_names.contains(&"localhost".to_string()));

    // The role granted comes from the certificate, whatever the Hello asked for.
    let Message::HelloAck(ack) = connection.request(&hello(Role::Receiver)).await.unwrap() else { panic!() };
    assert_eq!(ack.granted_role, Role::Donor);
    let receiver = connect(addr, pki.client_tls("client")).await;
    let Message::HelloAck(ack) = receiver.request(&hello(Role::Donor)).await.unwrap() else { panic!() };
    assert_eq!(ack.granted_role, Role::Receiver);
    assert!(connection.ping().await.unwrap() < Duration::from_secs(1));
}

#[tokio::test]
async fn the_client_can_dial_by_host_name() {
    let pki = TestPki::new();
    let (addr, _seen) = start_server(&pki, fast_options());
    let client = Client::new(&format!("localhost:{}", addr.port()), pki.client_tls("client"), fast_options()).unwrap();
    // localhost may resolve to ::1 first where the server only listens on 127.0.0.1; the
    // server-name check is what this test is about, so pin the address and keep the name.
    let client = match client.connect().await {
        Ok(connection) => connection,
        Err(_) => Client::for_addr(addr, pki.client_tls("client"), fast_options())
            .with_server_name("localhost")
            .connect()
            .await
            .unwrap(),
    };
    client.ping().await.unwrap();
    assert!(matches!(
        Client::new("no-port-here", pki.client_tls("client"), fast_options()),
        Err(QuicError::Resolve { .. })
    ));
}

#[tokio::test]
async fn a_client_without_a_certificate_is_refused() {
    let pki = TestPki::new();
    let server = Server::bind(loopback(), &pki.server_tls(), fast_options()).unwrap();
    let addr = server.local_addr().unwrap();

    let error = Client::for_addr(addr, pki.anonymous_client_tls(), fast_options()).connect().await.unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, QuicError::Handshake { .. }), "{text}");
    assert!(text.contains("certificate"), "the reason names the certificate: {text}");
    assert!(eventually(|| server.stats().refused == 1).await, "{:?}", server.stats());
    assert_eq!(server.stats().accepted, 0);
}

#[tokio::test]
async fn a_client_certificate_from_another_ca_is_refused() {
    let pki = TestPki::new();
    let rogue = TestPki::new();
    let server = Server::bind(loopback(), &pki.server_tls(), fast_options()).unwrap();
    let addr = server.local_addr().unwrap();

    // Trusts the real CA (so the server passes) but presents a certificate the real CA never signed.
    let tls = pki.client_tls_with_identity_from(&rogue, "donor");
    let error = Client::for_addr(addr, tls, fast_options()).connect().await.unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, QuicError::Handshake { .. }), "{text}");
    // Both development CAs share a subject name, so webpki finds "the" issuer and the
    // signature check fails (BadSignature); with distinct names it would be UnknownIssuer.
    assert!(text.contains("invalid peer certificate"), "{text}");
    assert!(eventually(|| server.stats().refused == 1).await, "{:?}", server.stats());
    assert_eq!(server.stats().accepted, 0);

    // A good client is still welcome.
    connect(addr, pki.client_tls("client")).await.ping().await.unwrap();
    assert!(eventually(|| server.stats().accepted == 1).await);
}

#[tokio::test]
async fn the_client_refuses_a_server_from_another_ca() {
    let pki = TestPki::new();
    let rogue = TestPki::new();
    let (addr, _seen) = start_server(&rogue, fast_options());
    let error = Client::for_addr(addr, pki.client_tls("client"), fast_options()).connect().await.unwrap_err();
    assert!(matches!(error, QuicError::Handshake { .. }), "{error}");
}

#[tokio::test]
async fn an_oversized_frame_is_refused_with_a_clear_error_while_another_client_carries_on() {
    let pki = TestPki::new();
    let server_options = TransportOptions {
        limits: FrameLimits { max_code_frame: 64 * 1024, ..FrameLimits::default() },
        ..fast_options()
    };
    let (addr, _seen) = start_server(&pki, server_options);
    let greedy = connect(addr, pki.client_tls("donor")).await;
    let polite = connect(addr, pki.client_tls("client")).await;

    // The donor's own limits allow 64 MiB, the server's only 64 KiB.
    let bytes = vec![0xC3u8; 1024 * 1024];
    let upload: Message = CodeUpload { hash: ContentHash::of(&bytes), method: "LBig;m()V".into(), bytes }.into();
    let polite_work = async {
        for nonce in 0..20 {
            let echoed = polite.request(&Pong { nonce }.into()).await.unwrap();
            assert_eq!(echoed, Message::Pong(Pong { nonce }));
        }
    };
    let (reply, ()) = tokio::join!(greedy.request(&upload), polite_work);
    let Message::Error(error) = reply.unwrap() else { panic!("expected an Error reply") };
    assert_eq!(error.code, ErrorCode::TooLarge);
    assert!(error.message.contains("CodeUpload frame of") && error.message.contains("65536-byte limit"), "{}", error.message);

    // A header that claims 4 GiB for a Ping is refused from the header alone.
    let (mut send, mut recv) = greedy.quinn().open_bi().await.unwrap();
    send.write_all(&FrameHeader { kind: MessageKind::Ping, length: u32::MAX }.to_bytes()).await.unwrap();
    let _ = send.finish();
    let Some(Message::Error(error)) = read_frame(&mut recv, &FrameLimits::default()).await.unwrap() else { panic!() };
    assert_eq!(error.code, ErrorCode::TooLarge);
    assert!(error.message.contains("Ping frame of 4294967295 bytes"), "{}", error.message);

    // Both clients are still connected and served.
    greedy.ping().await.unwrap();
    polite.ping().await.unwrap();
    assert_eq!(polite.request(&Ping { nonce: 5 }.into()).await.unwrap(), Message::Pong(Pong { nonce: 5 }));
}

#[tokio::test]
async fn a_malformed_request_gets_an_error_reply_naming_the_problem() {
    let pki = TestPki::new();
    let (addr, _seen) = start_server(&pki, fast_options());
    let connection = connect(addr, pki.client_tls("client")).await;

    async fn raw_request(connection: &jitfleet_transport::quic::Connection, bytes: &[u8]) -> ErrorMessage {
        let (mut send, mut recv) = connection.quinn().open_bi().await.unwrap();
        send.write_all(bytes).await.unwrap();
        let _ = send.finish();
        match read_frame(&mut recv, &FrameLimits::default()).await.unwrap() {
            Some(Message::Error(error)) => error,
            other => panic!("expected an Error reply, got {other:?}"),
        }
    }

    let mut garbage_body = FrameHeader { kind: MessageKind::Hello, length: 3 }.to_bytes().to_vec();
    garbage_body.extend_from_slice(&[0xFF, 0xFF, 0xFF]);
    let error = raw_request(&connection, &garbage_body).await;
    assert_eq!(error.code, ErrorCode::Malformed);
    assert!(error.message.starts_with("malformed Hello body (3 bytes)"), "{}", error.message);

    let error = raw_request(&connection, &[250, 0, 0, 0, 1, 0]).await;
    assert_eq!(error.code, ErrorCode::Malformed);
    assert_eq!(error.message, "unknown message kind tag 250 in frame header");

    let error = raw_request(&connection, &[MessageKind::Ping.tag(), 0, 0]).await;
    assert!(error.message.starts_with("truncated frame: frame header"), "{}", error.message);

    // The connection survives isolated bad requests.
    connection.ping().await.unwrap();
}

#[tokio::test]
async fn a_malformed_one_way_message_closes_that_connection_with_the_reason() {
    let pki = TestPki::new();
    let (addr, _seen) = start_server(&pki, fast_options());
    let bad = connect(addr, pki.client_tls("client")).await;
    let good = connect(addr, pki.client_tls("donor")).await;

    let mut send = bad.quinn().open_uni().await.unwrap();
    let mut frame = FrameHeader { kind: MessageKind::CompileEvents, length: 2 }.to_bytes().to_vec();
    frame.extend_from_slice(&[0xFF, 0xEE]);
    send.write_all(&frame).await.unwrap();
    let _ = send.finish();

    let closed = tokio::time::timeout(Duration::from_secs(5), bad.closed()).await.expect("closed in time");
    let quinn::ConnectionError::ApplicationClosed(close) = closed else { panic!("unexpected close: {closed}") };
    assert_eq!(close.error_code, quinn::VarInt::from_u32(close_code::PROTOCOL_VIOLATION));
    let reason = String::from_utf8_lossy(&close.reason);
    assert!(reason.contains("bad one-way frame: malformed CompileEvents body"), "{reason}");

    good.ping().await.unwrap();
    assert!(matches!(bad.ping().await, Err(QuicError::ConnectionLost { .. })));
}

#[tokio::test]
async fn too_many_bad_requests_close_the_connection() {
    let pki = TestPki::new();
    let options = TransportOptions { max_protocol_errors: 2, ..fast_options() };
    let (addr, _seen) = start_server(&pki, options);
    let connection = connect(addr, pki.client_tls("client")).await;
    for _ in 0..3 {
        let (mut send, _recv) = connection.quinn().open_bi().await.unwrap();
        send.write_all(&[99, 0, 0, 0, 0]).await.unwrap();
        let _ = send.finish();
    }
    let closed = tokio::time::timeout(Duration::from_secs(5), connection.closed()).await.expect("closed in time");
    let quinn::ConnectionError::ApplicationClosed(close) = closed else { panic!("unexpected close: {closed}") };
    assert!(String::from_utf8_lossy(&close.reason).contains("3 bad frames (limit 2)"));
}

#[tokio::test]
async fn every_message_kind_round_trips_as_request_and_as_one_way() {
    let pki = TestPki::new();
    let (addr, mut seen) = start_server(&pki, fast_options());
    let connection = connect(addr, pki.client_tls("donor")).await;
    assert!(matches!(seen.recv().await, Some(Seen::Connected(_))));

    let samples = one_of_each();
    assert_eq!(samples.len(), MessageKind::ALL.len());
    for message in &samples {
        match message {
            // The test app answers these two itself; covered by other tests.
            Message::Hello(_) | Message::CodeRequest(_) => continue,
            // Ping is answered by the transport with a Pong carrying its nonce.
            Message::Ping(ping) => {
                assert_eq!(connection.request(message).await.unwrap(), Message::Pong(Pong { nonce: ping.nonce }))
            }
            _ => assert_eq!(&connection.request(message).await.unwrap(), message, "{}", message.kind()),
        }
    }
    for message in &samples {
        connection.send(message).await.unwrap();
    }
    let mut received = Vec::new();
    while received.len() < samples.len() {
        match tokio::time::timeout(Duration::from_secs(5), seen.recv()).await.expect("one-way message in time") {
            Some(Seen::OneWay { from, message }) => {
                assert_eq!(from.as_deref(), Some("donor"));
                received.push(message);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // Separate streams may arrive in any order.
    for message in &samples {
        assert!(received.contains(message), "{} not received", message.kind());
    }
}

#[tokio::test]
async fn a_code_request_is_answered_by_one_response_per_hash() {
    let pki = TestPki::new();
    let (addr, _seen) = start_server(&pki, fast_options());
    let connection = connect(addr, pki.client_tls("client")).await;
    let hashes: Vec<ContentHash> = (0u8..3).map(|i| ContentHash::of(&[i])).collect();
    let mut replies = connection.request_stream(&CodeRequest { hashes: hashes.clone() }.into()).await.unwrap();
    let mut got = Vec::new();
    while let Some(reply) = replies.next().await.unwrap() {
        let Message::CodeResponse(response) = reply else { panic!("expected CodeResponse") };
        assert!(response.is_intact());
        got.push(response.bytes);
    }
    let expected: Vec<Vec<u8>> = hashes.iter().map(blob_for).collect();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn connect_with_backoff_waits_for_a_late_server() {
    let pki = TestPki::new();
    // Reserve a free port, release it, and start the server there only after a while.
    let addr: SocketAddr = UdpSocket::bind(loopback()).unwrap().local_addr().unwrap();
    let client = Client::for_addr(addr, pki.client_tls("client"), TransportOptions {
        handshake_timeout: Duration::from_millis(300),
        ..fast_options()
    });

    let mut backoff = Backoff::new(Duration::from_millis(50), Duration::from_millis(400));
    let started = Instant::now();
    let error = client.connect_with_backoff(&mut backoff, Some(3)).await.unwrap_err();
    assert!(matches!(error, QuicError::Timeout { .. } | QuicError::Handshake { .. }), "{error}");
    assert_eq!(backoff.attempts(), 2, "two delays between three attempts");
    assert!(started.elapsed() >= Duration::from_millis(80), "{:?}", started.elapsed());

    let server_pki_tls = pki.server_tls();
    let late_server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let server = Server::bind(addr, &server_pki_tls, fast_options()).unwrap();
        run_test_app(server)
    });
    let mut backoff = Backoff::new(Duration::from_millis(50), Duration::from_millis(400));
    let connection = client.connect_with_backoff(&mut backoff, Some(50)).await.expect("reconnects");
    assert!(started.elapsed() >= Duration::from_millis(700));
    assert_eq!(backoff.attempts(), 0, "reset after success");
    connection.ping().await.unwrap();
    drop(late_server.await.unwrap());
}

#[tokio::test]
async fn keep_alive_holds_an_idle_connection_open_and_the_idle_timeout_ends_a_silent_one() {
    let pki = TestPki::new();
    let short_idle = |keep_alive| TransportOptions {
        idle_timeout: Duration::from_millis(400),
        keep_alive,
        ..fast_options()
    };
    let (addr, _seen) = start_server(&pki, short_idle(Duration::from_secs(60)));

    let kept = Client::for_addr(addr, pki.client_tls("client"), short_idle(Duration::from_millis(100)))
        .connect()
        .await
        .unwrap();
    let silent = Client::for_addr(addr, pki.client_tls("donor"), short_idle(Duration::from_secs(60)))
        .connect()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(kept.close_reason().is_none(), "keep-alives kept it open");
    kept.ping().await.unwrap();
    assert!(
        matches!(silent.close_reason(), Some(quinn::ConnectionError::TimedOut)),
        "{:?}",
        silent.close_reason()
    );
}

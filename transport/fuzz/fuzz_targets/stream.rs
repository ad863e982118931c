//! The async frame reader over arbitrary bytes delivered in arbitrary chunk sizes: it must
//! agree with the slice decoder and never panic or over-allocate.

#![no_main]

use jitfleet_transport::wire::{decode_frame, read_frame, FrameLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, bytes)) = data.split_first() else { return };
    let chunk = usize::from(chunk.max(1));
    let limits = FrameLimits { max_control_frame: 4096, max_bulk_frame: 65536, max_code_frame: 1 << 20 };
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(async {
        let mut reader = tokio_test_reader(bytes, chunk);
        let from_stream = read_frame(&mut reader, &limits).await;
        let from_slice = decode_frame(bytes, &limits);
        match (from_stream, from_slice) {
            (Ok(Some(a)), Ok((b, _))) => assert_eq!(a, b),
            (Ok(None), Err(_)) => assert!(bytes.is_empty()),
            (Err(_), Err(_)) => {}
            (a, b) => panic!("stream and slice decoders disagree: {a:?} vs {b:?}"),
        }
    });
});

/// A reader that hands out at most `chunk` bytes per read, like a network stream.
fn tokio_test_reader(bytes: &[u8], chunk: usize) -> impl tokio::io::AsyncRead + Unpin + '_ {
    struct Chunked<'a>(&'a [u8], usize);
    impl tokio::io::AsyncRead for Chunked<'_> {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            let n = self.1.min(self.0.len()).min(buf.remaining());
            buf.put_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            std::task::Poll::Ready(Ok(()))
        }
    }
    Chunked(bytes, chunk)
}

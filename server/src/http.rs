//! A minimal HTTP/1.1 endpoint for Prometheus: `GET /metrics` (and `GET /healthz`), one
//! request per connection, then close. Small enough that a framework would be the larger part.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Largest request head accepted; Prometheus sends a few hundred bytes.
const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// A client has this long to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Renders the metrics page on demand.
pub type RenderFn = Arc<dyn Fn() -> String + Send + Sync>;

/// Serves until the listener fails; each connection runs in its own task.
pub async fn serve(listener: TcpListener, render: RenderFn) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                tokio::spawn(answer(stream, peer, render.clone()));
            }
            Err(error) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(%error, "metrics endpoint cannot accept");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn answer(mut stream: tokio::net::TcpStream, peer: SocketAddr, render: RenderFn) {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Ok(head)) => head,
        Ok(Err(error)) => {
            tracing::debug!(%peer, %error, "bad metrics request");
            let _ = stream.write_all(&response(400, "text/plain", "bad request\n")).await;
            return;
        }
        Err(_) => return,
    };
    let reply = match route(&head) {
        Route::Metrics => response(200, "text/plain; version=0.0.4; charset=utf-8", &render()),
        Route::Health => response(200, "text/plain", "ok\n"),
        Route::NotFound => response(404, "text/plain", "try /metrics\n"),
        Route::BadMethod => response(405, "text/plain", "only GET\n"),
    };
    let _ = stream.write_all(&reply).await;
    let _ = stream.shutdown().await;
}

#[derive(Debug, PartialEq, Eq)]
enum Route {
    Metrics,
    Health,
    NotFound,
    BadMethod,
}

fn route(head: &str) -> Route {
    let mut parts = head.lines().next().unwrap_or_default().split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    if method != "GET" {
        return Route::BadMethod;
    }
    match target.split('?').next().unwrap_or_default() {
        "/metrics" => Route::Metrics,
        "/healthz" => Route::Health,
        _ => Route::NotFound,
    }
}

async fn read_head(stream: &mut tokio::net::TcpStream) -> io::Result<String> {
    let mut head = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        if head.len() > MAX_REQUEST_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "request head too large"));
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed mid-request"));
        }
        head.extend_from_slice(&chunk[..read]);
    }
    String::from_utf8(head).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "request head is not UTF-8"))
}

fn response(status: u16, content_type: &str, body: &str) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Why a page could not be fetched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL is not `http://host:port/path`.
    #[error("{url:?} is not an http://host:port/path URL")]
    BadUrl {
        /// What was given.
        url: String,
    },
    /// Connecting, sending or reading failed.
    #[error("fetching {url}: {source}")]
    Io {
        /// The URL.
        url: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The server answered with something other than 200.
    #[error("fetching {url}: server answered {status_line:?}")]
    Status {
        /// The URL.
        url: String,
        /// The status line.
        status_line: String,
    },
}

/// Fetches a page with a blocking GET (for `jitfleet-server status` and tests).
pub fn fetch(url: &str, timeout: Duration) -> Result<String, FetchError> {
    let bad_url = || FetchError::BadUrl { url: url.to_owned() };
    let rest = url.strip_prefix("http://").ok_or_else(bad_url)?;
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/metrics"),
    };
    let io_error = |source| FetchError::Io { url: url.to_owned(), source };
    let addr = authority.to_socket_addrs().map_err(|_| bad_url())?.next().ok_or_else(bad_url)?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(io_error)?;
    stream.set_read_timeout(Some(timeout)).map_err(io_error)?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n").map_err(io_error)?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).map_err(io_error)?;
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let status_line = head.lines().next().unwrap_or_default();
    if status_line.split_whitespace().nth(1) != Some("200") {
        return Err(FetchError::Status { url: url.to_owned(), status_line: status_line.to_owned() });
    }
    Ok(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_method_and_path() {
        assert_eq!(route("GET /metrics HTTP/1.1\r\n"), Route::Metrics);
        assert_eq!(route("GET /metrics?x=1 HTTP/1.1\r\n"), Route::Metrics);
        assert_eq!(route("GET /healthz HTTP/1.0\r\n"), Route::Health);
        assert_eq!(route("GET / HTTP/1.1\r\n"), Route::NotFound);
        assert_eq!(route("POST /metrics HTTP/1.1\r\n"), Route::BadMethod);
        assert_eq!(route(""), Route::BadMethod);
    }

    #[tokio::test]
    async fn serves_the_rendered_page_and_fetch_reads_it() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, Arc::new(|| "jitfleet_up 1\n".to_string())));
        let url = format!("http://{addr}/metrics");
        let page = tokio::task::spawn_blocking(move || fetch(&url, Duration::from_secs(5))).await.unwrap().unwrap();
        assert_eq!(page, "jitfleet_up 1\n");
        let missing = format!("http://{addr}/nothing");
        let error = tokio::task::spawn_blocking(move || fetch(&missing, Duration::from_secs(5))).await.unwrap();
        assert!(matches!(error, Err(FetchError::Status { .. })), "{error:?}");
        assert!(matches!(fetch("ftp://x", Duration::from_secs(1)), Err(FetchError::BadUrl { .. })));
    }
}

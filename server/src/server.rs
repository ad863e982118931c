//! Starting and stopping a server: open the store and the registry, bind QUIC and the metrics
//! port, run the accept loop and the profile flusher.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use jitfleet_transport::quic::{QuicError, Server};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::config::{self, ConfigError, ServerConfig};
use crate::registry::{Registry, RegistryError};
use crate::service::Service;
use crate::store::{CodeStore, ScanReport, StoreError};

/// `tasks[..STOPPABLE_TASKS]` (accept loop, flusher) watch the stop signal; later tasks do not.
const STOPPABLE_TASKS: usize = 2;

/// How often the accept loop copies the transport's connection counters into the metrics.
const STATS_REFRESH: Duration = Duration::from_millis(200);

/// Why a server could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The code store could not be opened.
    #[error("code store: {0}")]
    Store(#[from] StoreError),
    /// The profile registry could not be opened or flushed.
    #[error("fleet profiles: {0}")]
    Registry(#[from] RegistryError),
    /// QUIC could not be bound.
    #[error("QUIC endpoint: {0}")]
    Quic(#[from] QuicError),
    /// The metrics port could not be bound.
    #[error("cannot bind the metrics port {addr}: {source}")]
    Metrics {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A server running on the current tokio runtime.
///
/// [`RunningServer::shutdown`] stops it cleanly (profiles flushed). Dropping it instead stops
/// every task at once, as a crash would: only what was already durable survives — all
/// acknowledged code, and profiles up to the last periodic flush.
#[derive(Debug)]
pub struct RunningServer {
    service: Arc<Service>,
    quic_addr: SocketAddr,
    metrics_addr: Option<SocketAddr>,
    scan: ScanReport,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningServer {
    /// Validates `config`, opens the store (verifying every blob) and starts serving.
    pub async fn start(config: ServerConfig) -> Result<Self, ServerError> {
        config::validate(&config)?;
        let store_dir: PathBuf = config.store_dir.clone();
        let (max_bytes, limits, max_methods) = (config.max_store_bytes, config.merge_limits, config.max_methods_per_fleet);
        let opened = tokio::task::spawn_blocking(move || -> Result<_, ServerError> {
            let (store, scan) = CodeStore::open(&store_dir, max_bytes)?;
            let (registry, loaded) = Registry::open(&store_dir, limits, max_methods)?;
            Ok((store, scan, registry, loaded))
        })
        .await
        .map_err(|join| StoreError::Io { action: "open", path: config.store_dir.clone(), source: std::io::Error::other(join.to_string()) })?;
        let (store, scan, registry, loaded) = opened?;
        tracing::info!(
            blobs = scan.blobs,
            bytes = scan.bytes,
            quarantined = scan.quarantined.len(),
            temporaries_removed = scan.temporaries_removed,
            evicted = scan.evicted,
            fleets = loaded.fleets,
            damaged_profiles = loaded.damaged.len(),
            "store opened"
        );

        let server = Server::bind(config.listen, &config.tls, config.transport.clone())?;
        let quic_addr = server.local_addr()?;
        let metrics_listener = match config.metrics {
            Some(addr) => Some(
                tokio::net::TcpListener::bind(addr).await.map_err(|source| ServerError::Metrics { addr, source })?,
            ),
            None => None,
        };
        let metrics_addr = metrics_listener.as_ref().and_then(|listener| listener.local_addr().ok());
        let flush_interval = config.flush_interval;
        let service = Arc::new(Service::new(config, store, registry));
        let (stop, stopped) = watch::channel(false);

        let mut tasks = vec![tokio::spawn(accept_loop(server, service.clone(), stopped.clone()))];
        tasks.push(tokio::spawn(flush_loop(service.clone(), flush_interval, stopped)));
        if let Some(listener) = metrics_listener {
            let renderer = service.clone();
            tasks.push(tokio::spawn(crate::http::serve(listener, Arc::new(move || renderer.render_metrics()))));
        }
        tracing::info!(%quic_addr, metrics = ?metrics_addr, "jitfleet-server listening");
        Ok(Self { service, quic_addr, metrics_addr, scan, stop, tasks })
    }

    /// The bound QUIC (UDP) address.
    pub fn quic_addr(&self) -> SocketAddr {
        self.quic_addr
    }

    /// The bound metrics (TCP) address, if any.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    /// What the start-up scan of the store found.
    pub fn scan_report(&self) -> &ScanReport {
        &self.scan
    }

    /// The shared state (store, registry, metrics), for tests and embedding.
    pub fn service(&self) -> &Arc<Service> {
        &self.service
    }

    /// Closes every connection, stops the tasks and flushes the fleet profiles.
    pub async fn shutdown(mut self) -> Result<(), ServerError> {
        let _ = self.stop.send(true);
        // The accept loop and the flusher end on the stop signal (the accept loop closes the
        // endpoint first); the metrics endpoint never ends by itself and is aborted.
        for (index, task) in self.tasks.drain(..).enumerate() {
            if index < STOPPABLE_TASKS {
                let _ = tokio::time::timeout(Duration::from_secs(2), task).await;
            } else {
                task.abort();
            }
        }
        let service = self.service.clone();
        let flushed = tokio::task::spawn_blocking(move || service.registry.flush()).await;
        match flushed {
            Ok(result) => {
                result?;
            }
            Err(join) => tracing::warn!(%join, "profile flush did not complete"),
        }
        tracing::info!("jitfleet-server stopped");
        Ok(())
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Accepts connections and runs one session task each; on stop, closes them all.
async fn accept_loop(mut server: Server, service: Arc<Service>, mut stopped: watch::Receiver<bool>) {
    let mut sessions = JoinSet::new();
    let mut refresh = tokio::time::interval(STATS_REFRESH);
    loop {
        tokio::select! {
            accepted = server.accept() => match accepted {
                Some(connection) => {
                    sessions.spawn(crate::session::run(service.clone(), connection));
                }
                None => break,
            },
            _ = refresh.tick() => {
                *service.transport_stats.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = server.stats();
                // Reap finished sessions so the set does not grow without bound.
                while sessions.try_join_next().is_some() {}
            }
            _ = stopped.changed() => break,
        }
    }
    server.close("server shutting down");
    sessions.shutdown().await;
}

/// Writes changed fleet profiles every `interval`.
async fn flush_loop(service: Arc<Service>, interval: Duration, mut stopped: watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(interval);
    ticks.tick().await;
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stopped.changed() => return,
        }
        let flushing = service.clone();
        match tokio::task::spawn_blocking(move || flushing.registry.flush()).await {
            Ok(Ok(written)) if written > 0 => tracing::debug!(written, "fleet profiles flushed"),
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                service.metrics.error("profile_flush");
                tracing::warn!(%error, "cannot flush fleet profiles; will retry");
            }
            Err(join) => tracing::warn!(%join, "profile flush task failed"),
        }
    }
}

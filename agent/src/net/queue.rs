//! A bounded queue that JVM threads can always push into without waiting: when it is full the
//! OLDEST item is dropped (and counted) to make room. Old profile data and events are worth
//! less than new ones, and a JVM thread must never wait for the network.
//!
//! Built on a crossbeam bounded channel: the pushing side keeps a clone of the receiver to
//! take the oldest item out when the channel is full. Two pushers racing on a full queue may
//! both drop an item; the count stays exact (every dropped item is counted once).

use crossbeam_channel::{Receiver, Sender, TrySendError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The pushing half; cheap to clone.
#[derive(Clone)]
pub struct Outbox<T> {
    sender: Sender<T>,
    evict: Receiver<T>,
    counts: Arc<QueueCounts>,
}

/// The draining half, owned by the network thread.
pub struct Inbox<T> {
    receiver: Receiver<T>,
    counts: Arc<QueueCounts>,
}

/// What happened to the items of one queue.
#[derive(Default, Debug)]
pub struct QueueCounts {
    /// Items accepted by [`Outbox::push`].
    pub pushed: AtomicU64,
    /// Items thrown away because the queue was full (oldest first).
    pub dropped: AtomicU64,
}

/// A queue holding at most `capacity` items (at least 1).
pub fn bounded<T>(capacity: usize) -> (Outbox<T>, Inbox<T>) {
    let (sender, receiver) = crossbeam_channel::bounded(capacity.max(1));
    let counts = Arc::new(QueueCounts::default());
    (Outbox { sender, evict: receiver.clone(), counts: counts.clone() }, Inbox { receiver, counts })
}

impl<T> Outbox<T> {
    /// Queues `item`, dropping the oldest queued items while the queue is full. Never blocks.
    pub fn push(&self, mut item: T) {
        self.counts.pushed.fetch_add(1, Ordering::Relaxed);
        // Bounded retries: each round frees one slot, which another pusher may take first.
        for _ in 0..64 {
            match self.sender.try_send(item) {
                Ok(()) => return,
                Err(TrySendError::Disconnected(_)) => {
                    self.counts.dropped.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                Err(TrySendError::Full(back)) => {
                    item = back;
                    if self.evict.try_recv().is_ok() {
                        self.counts.dropped.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }
        // Lost every race: the new item is the one dropped.
        self.counts.dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// The queue's counters.
    pub fn counts(&self) -> &QueueCounts {
        &self.counts
    }
}

impl<T> Inbox<T> {
    /// Takes up to `max` queued items, oldest first, without waiting.
    pub fn drain(&self, max: usize) -> Vec<T> {
        self.receiver.try_iter().take(max).collect()
    }

    /// Items waiting.
    pub fn len(&self) -> usize {
        self.receiver.len()
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.receiver.is_empty()
    }

    /// The queue's counters.
    pub fn counts(&self) -> &QueueCounts {
        &self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_drops_the_oldest_and_counts_it() {
        let (outbox, inbox) = bounded(3);
        for n in 0..5 {
            outbox.push(n);
        }
        assert_eq!(inbox.drain(10), vec![2, 3, 4]);
        assert_eq!(outbox.counts().pushed.load(Ordering::Relaxed), 5);
        assert_eq!(outbox.counts().dropped.load(Ordering::Relaxed), 2);
        assert!(inbox.is_empty());
    }

    #[test]
    fn pushing_never_blocks_and_counts_add_up_under_contention() {
        let (outbox, inbox) = bounded(8);
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let outbox = outbox.clone();
                std::thread::spawn(move || {
                    for n in 0..10_000 {
                        outbox.push(t * 100_000 + n);
                    }
                })
            })
            .collect();
        let mut taken = 0u64;
        for _ in 0..100 {
            taken += inbox.drain(3).len() as u64;
        }
        for t in threads {
            t.join().unwrap();
        }
        taken += inbox.drain(usize::MAX).len() as u64;
        let counts = inbox.counts();
        assert_eq!(counts.pushed.load(Ordering::Relaxed), 40_000);
        assert_eq!(taken + counts.dropped.load(Ordering::Relaxed), 40_000);
    }

    #[test]
    fn a_queue_without_a_reader_drops_instead_of_failing() {
        let (outbox, inbox) = bounded::<u32>(1);
        drop(inbox);
        outbox.push(1);
        outbox.push(2);
        // The outbox's own receiver clone keeps the channel open: items are evicted, not lost silently.
        assert_eq!(outbox.counts().dropped.load(Ordering::Relaxed), 1);
    }
}

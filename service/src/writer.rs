//! The single writer: one thread owns the store's writes and commits events in batches.
//!
//! Request handlers send each event with a oneshot channel and wait. The writer takes
//! everything queued (up to [`MAX_BATCH`]), writes it with its daily counts in one
//! transaction, commits, and only then answers every waiting handler. So a 204 is sent
//! only for an event that is durable, and under load one fsync covers thousands of
//! events instead of one.

use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use crate::store::{Stamped, Store};

/// The most events written in one transaction.
pub const MAX_BATCH: usize = 4096;

/// How many events may wait for the writer before senders wait too.
const QUEUE: usize = 4 * MAX_BATCH;

struct Job {
    event: Stamped,
    done: oneshot::Sender<bool>,
}

/// A handle to send events to the writer. Cloning it is cheap; the writer stops once
/// every handle is dropped and the queue is written.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
}

/// Why an event was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteError {
    /// The writer has stopped (the service is shutting down).
    Stopped,
    /// The store failed; the whole batch was rolled back (the cause is logged).
    Failed,
}

/// Starts the writer thread for `store`. Join the returned handle after dropping every
/// [`Writer`] to wait for the last batch.
pub fn spawn(store: Arc<dyn Store>) -> (Writer, JoinHandle<()>) {
    let (queue, jobs) = mpsc::channel(QUEUE);
    let thread = std::thread::Builder::new()
        .name("consent-log-writer".to_string())
        .spawn(move || run(store.as_ref(), jobs))
        .expect("cannot start the writer thread");
    (Writer { queue }, thread)
}

impl Writer {
    /// Writes one event; returns once it is durable.
    pub async fn write(&self, event: Stamped) -> Result<(), WriteError> {
        let (done, written) = oneshot::channel();
        self.queue
            .send(Job { event, done })
            .await
            .map_err(|_| WriteError::Stopped)?;
        match written.await {
            Ok(true) => Ok(()),
            Ok(false) => Err(WriteError::Failed),
            Err(_) => Err(WriteError::Stopped),
        }
    }
}

fn run(store: &dyn Store, mut jobs: mpsc::Receiver<Job>) {
    let mut events = Vec::with_capacity(MAX_BATCH);
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = jobs.blocking_recv() {
        let mut next = Some(first);
        while let Some(job) = next {
            events.push(job.event);
            waiting.push(job.done);
            next = if events.len() < MAX_BATCH {
                jobs.try_recv().ok()
            } else {
                None
            };
        }
        let ok = match store.append(&events) {
            Ok(()) => true,
            Err(e) => {
                tracing::error!("writing a batch of {} events failed: {e}", events.len());
                false
            }
        };
        for done in waiting.drain(..) {
            // A handler that gave up waiting (its client left) needs no answer.
            let _ = done.send(ok);
        }
        events.clear();
    }
}

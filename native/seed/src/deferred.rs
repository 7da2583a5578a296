//! Counts of the user's own deferred functions (the epoch Drop's `Arc` releases): created and run.
//! The collector's internal ones (queue-node frees) are not user code; they are seen through the
//! allocator instead (live 2,072-byte queue nodes, counting::Snapshot::watched).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

static CREATED: AtomicU64 = AtomicU64::new(0);
static RUN: AtomicU64 = AtomicU64::new(0);

pub fn created() {
    CREATED.fetch_add(1, Relaxed);
}

pub fn ran() {
    RUN.fetch_add(1, Relaxed);
}

/// (created, run) so far.
pub fn counts() -> (u64, u64) {
    (CREATED.load(Relaxed), RUN.load(Relaxed))
}

pub fn pending() -> u64 {
    let (created, run) = counts();
    created - run
}

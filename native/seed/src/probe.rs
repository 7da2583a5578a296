//! seed-probe's loop: `segstream probe`'s, natively. Create an instance (a bare stream, or an
//! OptimisedIndex holding one), append or upsert K values, drop it; N times, one after another;
//! compare the allocator's counters before and after. The epoch scenarios hold a guard across the
//! loop; a drain afterwards flushes until no user deferred function is pending.

use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use crossbeam_epoch as epoch;

use crate::counting::{self, large_requests, reset_peak, snapshot, Snapshot, INSTANCE};
use crate::deferred;
use crate::index::{slots_for_capacity, Indexer, OptimisedIndex, TableKind};
use crate::variant::{AnyStream, Variant};
use crate::vmsize::{baseline_bytes, vm_size_bytes};
use crate::V16;

pub struct ProbeOptions {
    pub variant: Variant,
    pub instances: u64,
    pub page_slots: usize,
    pub appends: u64,
    pub index_capacity: Option<u64>,
    pub upserts: u64,
    pub indexer: Indexer,
    pub index_table: TableKind,
}

pub struct Drain {
    pub rounds: u64,
    pub freed_bytes: i64,
    pub freed_blocks: i64,
    pub live_bytes: i64,
    pub pending_user_deferred: u64,
}

pub struct ProbeResult {
    pub before: Snapshot,
    pub after: Snapshot,
    pub vm_size_at_start: u64,
    pub baseline: u64,
    pub pending_user_deferred: u64,
    pub deferred_created: u64,
    pub deferred_run: u64,
    pub large_requests: Vec<(u64, u64)>,
    pub drain: Option<Drain>,
    pub elapsed_ms: f64,
}

/// One instance's life: setup, routine, drop.
fn one_instance(o: &ProbeOptions) {
    match o.index_capacity {
        Some(capacity) => {
            let mut index = OptimisedIndex::with_table(o.indexer, capacity, o.variant, o.page_slots, o.index_table);
            for k in 0..o.upserts {
                index.upsert(V16(k, k));
            }
        }
        None => {
            let stream = AnyStream::new(o.variant, o.page_slots);
            for k in 0..o.appends {
                stream.append(V16(k, k));
            }
        }
    }
}

/// A one-time registration the lab does not model, made before the loop: arc-swap's per-thread
/// debt node (allocated at a thread's first ArcSwap operation and kept for the process).
fn register_outside_the_loop(variant: Variant) {
    if variant == Variant::ArcSwap {
        drop(arc_swap::ArcSwap::from_pointee(0u64).load_full());
    }
}

fn the_loop(o: &ProbeOptions) -> (Snapshot, Snapshot, [u64; 2], f64) {
    register_outside_the_loop(o.variant);
    let vm_size = [vm_size_bytes(), baseline_bytes()];
    let before = snapshot();
    reset_peak();
    let started = Instant::now();
    for i in 0..o.instances {
        INSTANCE.store(i + 1, Relaxed);
        one_instance(o);
    }
    let elapsed_ms = started.elapsed().as_secs_f64() * 1e3;
    (before, snapshot(), vm_size, elapsed_ms)
}

/// Runs the loop with what the epoch scenario holds across it (a stalled participant, an outer guard).
fn with_held<R>(variant: Variant, f: impl FnOnce() -> R) -> R {
    match variant {
        Variant::EpochStalled => {
            // Leaked so that it stays registered, as the lab's participant does, after its guard goes.
            let handle: &'static epoch::LocalHandle = Box::leak(Box::new(epoch::default_collector().register()));
            let _guard = handle.pin();
            f()
        }
        Variant::EpochNested => {
            let _guard = epoch::pin();
            f()
        }
        _ => f(),
    }
}

const MAX_DRAIN_ROUNDS: u64 = 10_000_000;

fn drain(after: &Snapshot, before: &Snapshot) -> Drain {
    let mut rounds = 0;
    while deferred::pending() > 0 && rounds < MAX_DRAIN_ROUNDS {
        rounds += 1;
        let guard = epoch::pin();
        guard.flush();
    }
    let drained = snapshot();
    Drain {
        rounds,
        freed_bytes: after.live_bytes as i64 - drained.live_bytes as i64,
        freed_blocks: after.live_blocks as i64 - drained.live_blocks as i64,
        live_bytes: drained.live_bytes as i64 - before.live_bytes as i64,
        pending_user_deferred: deferred::pending(),
    }
}

pub fn run_probe(o: &ProbeOptions) -> ProbeResult {
    let (before, after, [vm_size_at_start, baseline], elapsed_ms) = with_held(o.variant, || the_loop(o));
    let (deferred_created, deferred_run) = deferred::counts();
    let pending_user_deferred = deferred::pending();
    let is_epoch = matches!(o.variant, Variant::EpochDeferred | Variant::EpochStalled | Variant::EpochNested);
    let large = large_requests();
    let drain = is_epoch.then(|| drain(&after, &before));
    ProbeResult { before, after, vm_size_at_start, baseline, pending_user_deferred, deferred_created, deferred_run, large_requests: large, drain, elapsed_ms }
}

/// Bytes requested while `f` ran, what it made dropped afterwards (one allocation for a HashMap).
pub fn requested_by<T>(f: impl FnOnce() -> T) -> u64 {
    let before = snapshot().requested_bytes;
    let value = f();
    let bytes = snapshot().requested_bytes - before;
    drop(crate::opaque(value));
    bytes
}

/// Bytes the index's table requests for `capacity` keys: the flat rule, or what std's HashMap asks.
pub fn table_bytes(capacity: u64, kind: TableKind) -> u64 {
    match kind {
        TableKind::Flat => slots_for_capacity(capacity) * 16,
        TableKind::Hashbrown => requested_by(|| std::collections::HashMap::<u64, u64>::with_capacity(capacity as usize)),
    }
}

/// The live allocator counters now, for the baseline figures (before anything is probed).
pub fn counters_now() -> Snapshot {
    counting::snapshot()
}

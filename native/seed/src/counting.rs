//! A counting `#[global_allocator]` over `System`: live bytes and blocks, requests, frees, the
//! largest request, every request of 1 MiB or more by size, and live blocks of the epoch's sizes
//! (ArcInner<Global> 640, queue node 2,072, Local 2,104 in 0.9.13 or 2,304 in 0.9.20). When an allocation returns null it writes one line
//! to stderr (instance, request, site, VmSize) without allocating, then lets Rust abort as usual.
//!
//! Byte figures are *requested* bytes (`Layout::size`), the same definition as the lab's ledger.
//! `realloc` is left to GlobalAlloc's default (alloc, copy, dealloc), so a Vec growth counts as one
//! request and one free, as the lab counts it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};

use crate::vmsize::vm_size_bytes;

pub struct Counting;

static LIVE_BYTES: AtomicU64 = AtomicU64::new(0);
static LIVE_BLOCKS: AtomicU64 = AtomicU64::new(0);
static PEAK_BYTES: AtomicU64 = AtomicU64::new(0);
static REQUESTS: AtomicU64 = AtomicU64::new(0);
static REQUESTED_BYTES: AtomicU64 = AtomicU64::new(0);
static FREES: AtomicU64 = AtomicU64::new(0);
static LARGEST: AtomicU64 = AtomicU64::new(0);
static INVALID_FREES: AtomicU64 = AtomicU64::new(0);
#[allow(clippy::declare_interior_mutable_const)] // only ever copied into the arrays below
const ZERO: AtomicU64 = AtomicU64::new(0);
static WATCHED_LIVE: [AtomicU64; 4] = [ZERO; 4];
static CATCH_BOX_PAGE: AtomicBool = AtomicBool::new(false);

/** The instance being built or dropped (1-based), for the failure line. */
pub static INSTANCE: AtomicU64 = AtomicU64::new(0);
/** What is allocating now: SITE_OTHER, or SITE_TABLE around the index table's request. */
pub static SITE: AtomicU32 = AtomicU32::new(SITE_OTHER);
pub const SITE_OTHER: u32 = 0;
pub const SITE_TABLE: u32 = 1;

/** crossbeam-epoch's ArcInner<Global>, Node<SealedBag>, Local (0.9.13), Local (0.9.20). */
pub const WATCHED_SIZES: [usize; 4] = [640, 2072, 2104, 2304];
pub const LARGE_REQUEST: usize = 1 << 20;
const LARGE_SLOTS: usize = 64;
static LARGE_SIZES: [AtomicU64; LARGE_SLOTS] = [ZERO; LARGE_SLOTS];
static LARGE_COUNTS: [AtomicU64; LARGE_SLOTS] = [ZERO; LARGE_SLOTS];

/** What the allocator has seen so far. */
#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshot {
    pub live_bytes: u64,
    pub live_blocks: u64,
    pub peak_bytes: u64,
    pub requests: u64,
    pub requested_bytes: u64,
    pub frees: u64,
    pub largest_request: u64,
    pub invalid_frees: u64,
    /** Live blocks of each of WATCHED_SIZES. */
    pub watched: [u64; 4],
}

pub fn snapshot() -> Snapshot {
    Snapshot {
        live_bytes: LIVE_BYTES.load(Relaxed),
        live_blocks: LIVE_BLOCKS.load(Relaxed),
        peak_bytes: PEAK_BYTES.load(Relaxed),
        requests: REQUESTS.load(Relaxed),
        requested_bytes: REQUESTED_BYTES.load(Relaxed),
        frees: FREES.load(Relaxed),
        largest_request: LARGEST.load(Relaxed),
        invalid_frees: INVALID_FREES.load(Relaxed),
        watched: std::array::from_fn(|i| WATCHED_LIVE[i].load(Relaxed)),
    }
}

/** Peak live bytes from now on are measured from the current level. */
pub fn reset_peak() {
    PEAK_BYTES.store(LIVE_BYTES.load(Relaxed), Relaxed);
}

/** Requests of 1 MiB or more: (bytes, count), in order of first appearance. */
pub fn large_requests() -> Vec<(u64, u64)> {
    (0..LARGE_SLOTS)
        .map(|i| (LARGE_SIZES[i].load(Relaxed), LARGE_COUNTS[i].load(Relaxed)))
        .take_while(|&(size, _)| size != 0)
        .collect()
}

/**
 * Runs `f` with the `Box<Page>` free caught: a dealloc of a 40-byte, align-8 block (the address
 * 16 bytes into an ArcInner that `Box::from_raw` was given) is counted as an invalid free and not
 * passed to glibc, which would abort ("free(): invalid pointer"). Only box-drop uses it.
 */
pub fn catching_box_page_free<R>(f: impl FnOnce() -> R) -> R {
    CATCH_BOX_PAGE.store(true, Relaxed);
    let result = f();
    CATCH_BOX_PAGE.store(false, Relaxed);
    result
}

fn record_large(size: u64) {
    for i in 0..LARGE_SLOTS {
        let current = LARGE_SIZES[i].load(Relaxed);
        if current == 0 {
            LARGE_SIZES[i].store(size, Relaxed);
        }
        if current == 0 || current == size {
            LARGE_COUNTS[i].fetch_add(1, Relaxed);
            return;
        }
    }
}

fn record_alloc(layout: Layout) {
    let size = layout.size() as u64;
    REQUESTS.fetch_add(1, Relaxed);
    REQUESTED_BYTES.fetch_add(size, Relaxed);
    LIVE_BLOCKS.fetch_add(1, Relaxed);
    let live = LIVE_BYTES.fetch_add(size, Relaxed) + size;
    PEAK_BYTES.fetch_max(live, Relaxed);
    LARGEST.fetch_max(size, Relaxed);
    if layout.size() >= LARGE_REQUEST {
        record_large(size);
    }
    if let Some(i) = WATCHED_SIZES.iter().position(|&s| s == layout.size()) {
        WATCHED_LIVE[i].fetch_add(1, Relaxed);
    }
}

fn record_free(layout: Layout) {
    FREES.fetch_add(1, Relaxed);
    LIVE_BLOCKS.fetch_sub(1, Relaxed);
    LIVE_BYTES.fetch_sub(layout.size() as u64, Relaxed);
    if let Some(i) = WATCHED_SIZES.iter().position(|&s| s == layout.size()) {
        WATCHED_LIVE[i].fetch_sub(1, Relaxed);
    }
}

fn checked(ptr: *mut u8, layout: Layout) -> *mut u8 {
    if ptr.is_null() {
        report_failure(layout);
    } else {
        record_alloc(layout);
    }
    ptr
}

// Rust 1.63 calls the inner blocks unnecessary; newer lints want them (unsafe_op_in_unsafe_fn).
#[allow(unused_unsafe)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        checked(unsafe { System.alloc(layout) }, layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        checked(unsafe { System.alloc_zeroed(layout) }, layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if CATCH_BOX_PAGE.load(Relaxed) && layout.size() == crate::page::PAGE_SIZE && layout.align() == 8 {
            INVALID_FREES.fetch_add(1, Relaxed);
            return;
        }
        record_free(layout);
        unsafe { System.dealloc(ptr, layout) }
    }
}

/** A fixed stack buffer for writing a line without allocating. */
struct Line {
    bytes: [u8; 512],
    len: usize,
}

impl std::fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = (self.len + s.len()).min(self.bytes.len());
        self.bytes[self.len..end].copy_from_slice(&s.as_bytes()[..end - self.len]);
        self.len = end;
        Ok(())
    }
}

/** The failure line: `seed-probe: allocation failed: {json}`, parsed by src/native/. */
fn report_failure(layout: Layout) {
    use std::fmt::Write;
    let mut line = Line { bytes: [0; 512], len: 0 };
    let site = if SITE.load(Relaxed) == SITE_TABLE { "OptimisedIndex.table" } else { "other" };
    let _ = writeln!(
        line,
        "seed-probe: allocation failed: {{\"instance\":{},\"bytes\":{},\"align\":{},\"site\":\"{}\",\"vmSizeBytes\":{},\"liveBytes\":{},\"liveBlocks\":{}}}",
        INSTANCE.load(Relaxed),
        layout.size(),
        layout.align(),
        site,
        vm_size_bytes(),
        LIVE_BYTES.load(Relaxed),
        LIVE_BLOCKS.load(Relaxed),
    );
    unsafe { libc::write(2, line.bytes.as_ptr().cast(), line.len) };
}

//! The seed's program (../shared/seed), rebuilt from Debian's crates as segstream's test oracle:
//! V16, Page, SegmentedStream (new() as the seed writes it), MockSegmentedStream, OptimisedIndex,
//! one Drop per stream variant of the lab, and a counting global allocator.

pub mod counting;
pub mod deferred;
pub mod index;
pub mod json;
pub mod others;
pub mod page;
pub mod policy;
pub mod probe;
pub mod stream;
pub mod variant;
pub mod vmsize;

pub use page::V16;

/// An optimisation barrier for a value whose allocation must happen (std::hint::black_box is
/// stable only from Rust 1.66; Debian bookworm's is 1.63): its bytes pass through a volatile read,
/// so the compiler cannot see that the pointer freed later is the one allocated.
pub fn opaque<T>(value: T) -> T {
    let value = std::mem::ManuallyDrop::new(value);
    unsafe { std::ptr::read_volatile(&*value as *const T) }
}

/// Every allocation of every binary and bench built on this crate is counted.
#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

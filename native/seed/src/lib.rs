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

/// Every allocation of every binary and bench built on this crate is counted.
#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

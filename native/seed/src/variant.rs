//! The lab's probe variants, natively: one stream type per stream variant, and the two epoch
//! scenarios (epoch-stalled, epoch-nested) that build epoch-deferred streams while something holds
//! the epoch (see probe.rs).

use crate::others::{ArcSwapSegmentedStream, MockSegmentedStream};
use crate::page::V16;
use crate::policy::{AsWritten, BoxDrop, EpochDeferred, ExplicitDrop};
use crate::stream::SegmentedStream;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    AsWritten,
    ExplicitDrop,
    BoxDrop,
    Mock,
    ArcSwap,
    EpochDeferred,
    EpochStalled,
    EpochNested,
}

pub const VARIANTS: [(&str, Variant); 8] = [
    ("as-written", Variant::AsWritten),
    ("explicit-drop", Variant::ExplicitDrop),
    ("box-drop", Variant::BoxDrop),
    ("mock", Variant::Mock),
    ("arcswap", Variant::ArcSwap),
    ("epoch-deferred", Variant::EpochDeferred),
    ("epoch-stalled", Variant::EpochStalled),
    ("epoch-nested", Variant::EpochNested),
];

impl Variant {
    pub fn parse(name: &str) -> Option<Variant> {
        VARIANTS.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
    }

    pub fn name(self) -> &'static str {
        VARIANTS.iter().find(|(_, v)| *v == self).map(|&(n, _)| n).unwrap()
    }
}

/// A stream of any variant.
pub enum AnyStream {
    AsWritten(SegmentedStream<AsWritten>),
    ExplicitDrop(SegmentedStream<ExplicitDrop>),
    BoxDrop(SegmentedStream<BoxDrop>),
    EpochDeferred(SegmentedStream<EpochDeferred>),
    ArcSwap(ArcSwapSegmentedStream),
    Mock(MockSegmentedStream),
}

impl AnyStream {
    pub fn new(variant: Variant, page_size: usize) -> AnyStream {
        match variant {
            Variant::AsWritten => AnyStream::AsWritten(SegmentedStream::new(page_size)),
            Variant::ExplicitDrop => AnyStream::ExplicitDrop(SegmentedStream::new(page_size)),
            Variant::BoxDrop => AnyStream::BoxDrop(SegmentedStream::new(page_size)),
            Variant::EpochDeferred | Variant::EpochStalled | Variant::EpochNested => AnyStream::EpochDeferred(SegmentedStream::new(page_size)),
            Variant::ArcSwap => AnyStream::ArcSwap(ArcSwapSegmentedStream::new(page_size)),
            Variant::Mock => AnyStream::Mock(MockSegmentedStream::new(page_size)),
        }
    }

    pub fn append(&self, value: V16) -> u64 {
        match self {
            AnyStream::AsWritten(s) => s.append(value),
            AnyStream::ExplicitDrop(s) => s.append(value),
            AnyStream::BoxDrop(s) => s.append(value),
            AnyStream::EpochDeferred(s) => s.append(value),
            AnyStream::ArcSwap(s) => s.append(value),
            AnyStream::Mock(s) => s.append(value),
        }
    }
}

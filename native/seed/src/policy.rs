//! What a stream's Drop (and a page rollover) does with the reference `active_page` holds, made by
//! `Arc::into_raw`: one policy per stream variant of the lab.

use std::sync::atomic::Ordering::AcqRel;
use std::sync::Arc;

use crossbeam_epoch::{self as epoch, Atomic, Owned, Shared};

use crate::counting::catching_box_page_free;
use crate::deferred;
use crate::page::Page;

pub trait ActivePolicy {
    /// The previous active page's reference, at a rollover (the Vec still holds the page).
    fn retire(active: &Atomic<Page<crate::V16>>, next: *const Page<crate::V16>);
    /// The reference, at Drop.
    fn on_drop(active: &mut Atomic<Page<crate::V16>>);
}

/// The seed's code: SegmentedStream has no Drop and `Atomic` has none, so nothing happens.
pub struct AsWritten;
/// `Arc::from_raw(active_page)`: the reference goes back.
pub struct ExplicitDrop;
/// `Box::from_raw(active_page)` dropped: the Page's fields drop, then a free 16 bytes into the ArcInner (UB).
pub struct BoxDrop;
/// Pin, swap `active_page` out, defer the `Arc` release to the epoch collector.
pub struct EpochDeferred;

fn swap_out(active: &Atomic<Page<crate::V16>>, next: *const Page<crate::V16>, guard: &epoch::Guard) -> *const Page<crate::V16> {
    let next = if next.is_null() { Shared::null() } else { Owned::<Page<crate::V16>>::from(unsafe { Box::from_raw(next as *mut Page<crate::V16>) }).into_shared(guard) };
    active.swap(next, AcqRel, guard).as_raw()
}

impl ActivePolicy for AsWritten {
    fn retire(active: &Atomic<Page<crate::V16>>, next: *const Page<crate::V16>) {
        swap_out(active, next, unsafe { epoch::unprotected() });
    }
    fn on_drop(_active: &mut Atomic<Page<crate::V16>>) {}
}

impl ActivePolicy for BoxDrop {
    fn retire(active: &Atomic<Page<crate::V16>>, next: *const Page<crate::V16>) {
        AsWritten::retire(active, next);
    }
    fn on_drop(active: &mut Atomic<Page<crate::V16>>) {
        let raw = swap_out(active, std::ptr::null(), unsafe { epoch::unprotected() });
        catching_box_page_free(|| drop(unsafe { Box::from_raw(raw as *mut Page<crate::V16>) }));
    }
}

impl ActivePolicy for ExplicitDrop {
    fn retire(active: &Atomic<Page<crate::V16>>, next: *const Page<crate::V16>) {
        let previous = swap_out(active, next, unsafe { epoch::unprotected() });
        drop(unsafe { Arc::from_raw(previous) });
    }
    fn on_drop(active: &mut Atomic<Page<crate::V16>>) {
        Self::retire(active, std::ptr::null());
    }
}

impl ActivePolicy for EpochDeferred {
    fn retire(active: &Atomic<Page<crate::V16>>, next: *const Page<crate::V16>) {
        let guard = epoch::pin();
        let previous = swap_out(active, next, &guard);
        deferred::created();
        let release = move || {
            deferred::ran();
            drop(unsafe { Arc::from_raw(previous) });
        };
        unsafe { guard.defer_unchecked(release) };
    }
    fn on_drop(active: &mut Atomic<Page<crate::V16>>) {
        Self::retire(active, std::ptr::null());
    }
}

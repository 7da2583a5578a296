//! `V16` and `Page<T>`, as the seed shows them: a page owns a separately allocated slot array
//! (`Box<[MaybeUninit<T>]>`) and a reservation cursor; it always lives behind an `Arc`.

use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64};

/// "16-byte values": two 8-byte words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct V16(pub u64, pub u64);

pub struct Page<T> {
    pub next_index: AtomicU64,
    pub committed: AtomicU32,
    pub page_no: AtomicU32,
    pub next: AtomicPtr<Page<T>>,
    pub slots: Box<[MaybeUninit<T>]>,
}

/// size_of::<Page<V16>>(): what a `Box<Page>` frees (see counting::catching_box_page_free).
pub const PAGE_SIZE: usize = std::mem::size_of::<Page<V16>>();

impl<T> Page<T> {
    /// Page::new(page_size, page_no): the slot array is allocated here, before the Arc's ArcInner.
    pub fn new(page_size: usize, page_no: u32) -> Self {
        let mut slots = Vec::with_capacity(page_size);
        slots.resize_with(page_size, MaybeUninit::uninit);
        Page {
            next_index: AtomicU64::new(0),
            committed: AtomicU32::new(0),
            page_no: AtomicU32::new(page_no),
            next: AtomicPtr::new(std::ptr::null_mut()),
            slots: slots.into_boxed_slice(),
        }
    }

    /// Reserves a slot and writes `value`; None when the page is full (the caller rolls over).
    pub fn try_push(&self, value: T) -> Option<u64> {
        use std::sync::atomic::Ordering::AcqRel;
        let index = self.next_index.fetch_add(1, AcqRel);
        if index >= self.slots.len() as u64 {
            return None;
        }
        let slot = self.slots[index as usize].as_ptr() as *mut T;
        unsafe { slot.write(value) };
        self.committed.fetch_add(1, AcqRel);
        Some(index)
    }
}

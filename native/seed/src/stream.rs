//! The seed's SegmentedStream: pages in a mutex-guarded `Vec<Arc<Page>>`, the page being filled in
//! an epoch `Atomic<Page>` made from `Arc::into_raw`. `new()` is the seed's, line for line; the
//! policy `P` is what Drop (and a rollover) does with `active_page`'s reference (policy.rs).

use std::marker::PhantomData;
use std::sync::atomic::Ordering::{AcqRel, Acquire};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use crossbeam_epoch::{self as epoch, Atomic, Owned};

use crate::page::{Page, V16};
use crate::policy::ActivePolicy;

pub struct SegmentedStream<P: ActivePolicy> {
    pages: Mutex<Vec<Arc<Page<V16>>>>,
    active_page: Atomic<Page<V16>>,
    page_size: usize,
    len: AtomicU64,
    policy: PhantomData<P>,
}

impl<P: ActivePolicy> SegmentedStream<P> {
    pub fn new(page_size: usize) -> Self {
        let first: Arc<Page<V16>> = Arc::from(Page::<V16>::new(page_size, 0));
        let first_ptr = Arc::into_raw(first.clone());
        let mut pages_vec = Vec::new();
        pages_vec.push(first);

        SegmentedStream {
            pages: Mutex::new(pages_vec),
            active_page: Atomic::from(Owned::from(unsafe { Box::from_raw(first_ptr as *mut Page<V16>) })),
            page_size,
            len: AtomicU64::new(0),
            policy: PhantomData,
        }
    }

    /// Appends `value`: a slot in the active page, or a rollover to a new page under the mutex.
    pub fn append(&self, value: V16) -> u64 {
        loop {
            // Pages live as long as the stream (the Vec holds each), so no guard is needed to read.
            let active = self.active_page.load(Acquire, unsafe { epoch::unprotected() }).as_raw();
            let page = unsafe { &*active };
            if let Some(slot) = page.try_push(value) {
                let position = page.page_no.load(Acquire) as u64 * self.page_size as u64 + slot;
                self.len.fetch_add(1, AcqRel);
                return position;
            }
            self.roll_over(active);
        }
    }

    fn roll_over(&self, full: *const Page<V16>) {
        let mut pages = self.pages.lock().unwrap();
        let current = self.active_page.load(Acquire, unsafe { epoch::unprotected() }).as_raw();
        if current != full {
            return;
        }
        let next = Arc::from(Page::<V16>::new(self.page_size, pages.len() as u32));
        let next_ptr = Arc::into_raw(next.clone());
        pages.push(next);
        unsafe { &*full }.next.store(next_ptr as *mut Page<V16>, std::sync::atomic::Ordering::Release);
        P::retire(&self.active_page, next_ptr);
    }
}

impl<P: ActivePolicy> Drop for SegmentedStream<P> {
    fn drop(&mut self) {
        P::on_drop(&mut self.active_page);
    }
}

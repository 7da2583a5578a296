//! The two other streams of the lab: MockSegmentedStream (no `active_page`: the active page is the
//! Vec's last element, read under the mutex) and the seed's second fix, `active_page` as an
//! `ArcSwap<Page>` (the real arc-swap crate): rollovers and Drop give the reference back at once.

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use crate::page::{Page, V16};

pub struct MockSegmentedStream {
    pages: Mutex<Vec<Arc<Page<V16>>>>,
    page_size: usize,
}

impl MockSegmentedStream {
    pub fn new(page_size: usize) -> Self {
        let first: Arc<Page<V16>> = Arc::from(Page::<V16>::new(page_size, 0));
        let mut pages_vec = Vec::new();
        pages_vec.push(first);
        MockSegmentedStream { pages: Mutex::new(pages_vec), page_size }
    }

    pub fn append(&self, value: V16) -> u64 {
        let mut pages = self.pages.lock().unwrap();
        loop {
            let page = pages.last().unwrap();
            if let Some(slot) = page.try_push(value) {
                return (pages.len() as u64 - 1) * self.page_size as u64 + slot;
            }
            let no = pages.len() as u32;
            pages.push(Arc::from(Page::<V16>::new(self.page_size, no)));
        }
    }
}

pub struct ArcSwapSegmentedStream {
    pages: Mutex<Vec<Arc<Page<V16>>>>,
    active_page: ArcSwap<Page<V16>>,
    page_size: usize,
}

impl ArcSwapSegmentedStream {
    pub fn new(page_size: usize) -> Self {
        let first: Arc<Page<V16>> = Arc::from(Page::<V16>::new(page_size, 0));
        let active_page = ArcSwap::from(first.clone());
        let mut pages_vec = Vec::new();
        pages_vec.push(first);
        ArcSwapSegmentedStream { pages: Mutex::new(pages_vec), active_page, page_size }
    }

    pub fn append(&self, value: V16) -> u64 {
        loop {
            let active = self.active_page.load_full();
            if let Some(slot) = active.try_push(value) {
                return active.page_no.load(std::sync::atomic::Ordering::Acquire) as u64 * self.page_size as u64 + slot;
            }
            let mut pages = self.pages.lock().unwrap();
            if Arc::ptr_eq(&self.active_page.load_full(), &active) {
                let next = Arc::from(Page::<V16>::new(self.page_size, pages.len() as u32));
                pages.push(next.clone());
                self.active_page.store(next);
            }
        }
    }
}

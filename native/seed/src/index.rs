//! OptimisedIndex: the seed names it and shows none of its internals. As the lab models it
//! (assembly/index/): it owns a stream (built first) and one table, of either kind:
//! - `flat`: one zeroed array of 16-byte entries (key, position + 1), slots = the next power of
//!   two of capacity x 8/7 (at least 8; none for capacity 0), linear probing, doubled before an
//!   insert would pass 7/8 load;
//! - `hashbrown`: std's `HashMap<u64, u64>` (key to position) made `with_capacity`, growing as
//!   std grows it: the real thing, so the lab's hashbrown arithmetic is checked against it.

use std::alloc::{alloc_zeroed, dealloc, handle_alloc_error, Layout};
use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;

use crate::counting::{SITE, SITE_OTHER, SITE_TABLE};
use crate::page::V16;
use crate::variant::{AnyStream, Variant};

const ENTRY: usize = 16;
const MIN_SLOTS: u64 = 8;

/// The flat table's sizing rule.
pub fn slots_for_capacity(capacity: u64) -> u64 {
    if capacity == 0 {
        return 0;
    }
    ((capacity * 8 + 6) / 7).max(MIN_SLOTS).next_power_of_two()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Indexer {
    FirstWord,
    SecondWord,
    HashBoth,
}

impl Indexer {
    pub fn parse(name: &str) -> Option<Indexer> {
        match name {
            "first-word" => Some(Indexer::FirstWord),
            "second-word" => Some(Indexer::SecondWord),
            "hash-both" => Some(Indexer::HashBoth),
            _ => None,
        }
    }

    pub fn key(self, v: V16) -> u64 {
        match self {
            Indexer::FirstWord => v.0,
            Indexer::SecondWord => v.1,
            Indexer::HashBoth => v.0.wrapping_mul(0x9E3779B97F4A7C15) ^ v.1.wrapping_mul(0xC2B2AE3D27D4EB4F).rotate_left(31),
        }
    }
}

struct Table {
    entries: *mut u64,
    slots: u64,
}

impl Table {
    fn new(slots: u64) -> Table {
        if slots == 0 {
            return Table { entries: std::ptr::null_mut(), slots };
        }
        let layout = Layout::from_size_align(slots as usize * ENTRY, 8).unwrap();
        let entries = as_table(|| unsafe { alloc_zeroed(layout) }) as *mut u64;
        if entries.is_null() {
            handle_alloc_error(layout);
        }
        Table { entries, slots }
    }

    fn home(&self, key: u64) -> u64 {
        key.wrapping_mul(0x9E3779B97F4A7C15) >> (self.slots.leading_zeros() + 1)
    }

    /// The slot holding `key`, or the empty one where it goes.
    fn find(&self, key: u64) -> u64 {
        let mut slot = self.home(key);
        while self.position(slot) != 0 && self.key(slot) != key {
            slot = (slot + 1) & (self.slots - 1);
        }
        slot
    }

    fn key(&self, slot: u64) -> u64 {
        unsafe { *self.entries.add(slot as usize * 2) }
    }

    fn position(&self, slot: u64) -> u64 {
        unsafe { *self.entries.add(slot as usize * 2 + 1) }
    }

    fn write(&mut self, slot: u64, key: u64, position: u64) {
        unsafe {
            *self.entries.add(slot as usize * 2) = key;
            *self.entries.add(slot as usize * 2 + 1) = position;
        }
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        if !self.entries.is_null() {
            unsafe { dealloc(self.entries.cast(), Layout::from_size_align(self.slots as usize * ENTRY, 8).unwrap()) };
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    Flat,
    Hashbrown,
}

impl TableKind {
    pub fn parse(name: &str) -> Option<TableKind> {
        match name {
            "flat" => Some(TableKind::Flat),
            "hashbrown" => Some(TableKind::Hashbrown),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TableKind::Flat => "flat",
            TableKind::Hashbrown => "hashbrown",
        }
    }
}

/// Runs `f` with the allocator's site set to the index table: what it allocates is the table's.
fn as_table<T>(f: impl FnOnce() -> T) -> T {
    SITE.store(SITE_TABLE, Relaxed);
    let value = f();
    SITE.store(SITE_OTHER, Relaxed);
    value
}

enum Keys {
    Flat { table: Table, keys: u64 },
    Hashbrown(HashMap<u64, u64>),
}

pub struct OptimisedIndex {
    stream: AnyStream,
    table: Keys,
    indexer: Indexer,
}

impl OptimisedIndex {
    pub fn new_with_indexer_and_capacity(indexer: Indexer, capacity: u64, variant: Variant, page_size: usize) -> Self {
        Self::with_table(indexer, capacity, variant, page_size, TableKind::Flat)
    }

    pub fn with_table(indexer: Indexer, capacity: u64, variant: Variant, page_size: usize, kind: TableKind) -> Self {
        let stream = AnyStream::new(variant, page_size);
        let table = match kind {
            TableKind::Flat => Keys::Flat { table: Table::new(slots_for_capacity(capacity)), keys: 0 },
            TableKind::Hashbrown => Keys::Hashbrown(as_table(|| HashMap::with_capacity(capacity as usize))),
        };
        OptimisedIndex { stream, table, indexer }
    }

    pub fn upsert(&mut self, value: V16) -> u64 {
        let key = self.indexer.key(value);
        match &mut self.table {
            Keys::Flat { table, keys } => {
                if (*keys + 1) * 8 > table.slots * 7 {
                    grow(table, keys);
                }
                let position = self.stream.append(value);
                place(table, keys, key, position);
                position
            }
            Keys::Hashbrown(map) => {
                let position = self.stream.append(value);
                as_table(|| map.insert(key, position));
                position
            }
        }
    }
}

fn place(table: &mut Table, keys: &mut u64, key: u64, position: u64) {
    let slot = table.find(key);
    if table.position(slot) == 0 {
        *keys += 1;
    }
    table.write(slot, key, position + 1);
}

fn grow(table: &mut Table, keys: &mut u64) {
    let old = std::mem::replace(table, Table::new((table.slots * 2).max(MIN_SLOTS)));
    *keys = 0;
    for slot in 0..old.slots {
        if old.position(slot) != 0 {
            place(table, keys, old.key(slot), old.position(slot) - 1);
        }
    }
}


//! `seed-tables [CAPACITY ...]`: what std's HashMap (hashbrown) requests for `with_capacity(c)`,
//! with 16-byte (`HashMap<u64, u64>`) and 24-byte (`HashMap<u64, V16>`) entries, beside the flat
//! table's rule; and what a `HashMap<u64, u64>` of capacity 10,000,000 costs in time: its
//! `with_capacity` writes every control byte (a benchmark's setup), its drop unmaps the pages
//! those writes touched (inside the timed routine, for a by-value input), against a calloc'd flat
//! table of the same capacity. One JSON object:
//! {"rows": [{capacity, flatBytes, hashbrown16Bytes, hashbrown24Bytes}], "timing": {...}}.

use std::collections::HashMap;
use std::time::Instant;

use seed_native::index::{Indexer, OptimisedIndex, TableKind};
use seed_native::probe::{requested_by, table_bytes};
use seed_native::variant::Variant;
use seed_native::{opaque, V16};

fn default_capacities() -> Vec<u64> {
    let mut capacities: Vec<u64> = (0..=16).collect();
    for k in 4..=25u32 {
        let p = 1u64 << k;
        capacities.extend([p / 8 * 7, p / 8 * 7 + 1, p - 1, p, p + 1]);
    }
    capacities.extend([7_340_032, 7_340_033, 10_000_000, 14_680_064, 14_680_065]);
    capacities.sort_unstable();
    capacities.dedup();
    capacities.retain(|&c| c <= 1 << 25);
    capacities
}

const TIMED_CAPACITY: u64 = 10_000_000;
const TIMED_ROUNDS: u32 = 20;

/// Mean nanoseconds of building an index with a `kind` table (setup) and of dropping it.
fn setup_and_drop_ns(kind: TableKind) -> (f64, f64) {
    let (mut setup, mut dropping) = (0u128, 0u128);
    for _ in 0..TIMED_ROUNDS {
        let started = Instant::now();
        let index = opaque(OptimisedIndex::with_table(Indexer::FirstWord, TIMED_CAPACITY, Variant::ExplicitDrop, 64, kind));
        setup += started.elapsed().as_nanos();
        let started = Instant::now();
        drop(index);
        dropping += started.elapsed().as_nanos();
    }
    (setup as f64 / TIMED_ROUNDS as f64, dropping as f64 / TIMED_ROUNDS as f64)
}

fn timing() -> String {
    let (hashbrown_setup, hashbrown_drop) = setup_and_drop_ns(TableKind::Hashbrown);
    let (flat_setup, flat_drop) = setup_and_drop_ns(TableKind::Flat);
    format!(
        "{{\"capacity\": {TIMED_CAPACITY}, \"entryBytes\": 16, \"rounds\": {TIMED_ROUNDS}, \"hashbrownTableBytes\": {}, \"flatTableBytes\": {}, \"hashbrownSetupNs\": {hashbrown_setup:.0}, \"hashbrownDropNs\": {hashbrown_drop:.0}, \"flatSetupNs\": {flat_setup:.0}, \"flatDropNs\": {flat_drop:.0}}}",
        table_bytes(TIMED_CAPACITY, TableKind::Hashbrown),
        table_bytes(TIMED_CAPACITY, TableKind::Flat)
    )
}

fn main() {
    let given: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let capacities = if given.is_empty() { default_capacities() } else { given };
    let rows: Vec<String> = capacities
        .iter()
        .map(|&c| {
            let h16 = table_bytes(c, TableKind::Hashbrown);
            let h24 = requested_by(|| HashMap::<u64, V16>::with_capacity(c as usize));
            format!("    {{\"capacity\": {c}, \"flatBytes\": {}, \"hashbrown16Bytes\": {h16}, \"hashbrown24Bytes\": {h24}}}", table_bytes(c, TableKind::Flat))
        })
        .collect();
    println!("{{\n  \"rows\": [\n{}\n  ],\n  \"timing\": {}\n}}", rows.join(",\n"), timing());
}

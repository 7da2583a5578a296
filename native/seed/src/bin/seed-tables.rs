//! `seed-tables [CAPACITY ...]`: what std's HashMap (hashbrown) requests for `with_capacity(c)`,
//! with 16-byte (`HashMap<u64, u64>`) and 24-byte (`HashMap<u64, V16>`) entries, beside the flat
//! table's rule; and what one `with_capacity` costs in time (it writes every control byte).
//! One JSON object: {"rows": [{capacity, flatBytes, hashbrown16Bytes, hashbrown24Bytes}], "timing": {...}}.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use seed_native::counting::snapshot;
use seed_native::probe::table_bytes;
use seed_native::V16;

/// Bytes requested while `f` ran (one allocation for a HashMap).
fn requested_by<T>(f: impl FnOnce() -> T) -> u64 {
    let before = snapshot().requested_bytes;
    let value = f();
    let bytes = snapshot().requested_bytes - before;
    drop(black_box(value));
    bytes
}

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

/// Mean nanoseconds of `HashMap<u64, V16>::with_capacity(capacity)` plus its drop.
fn with_capacity_ns(capacity: usize, rounds: u32) -> f64 {
    let started = Instant::now();
    for _ in 0..rounds {
        drop(black_box(HashMap::<u64, V16>::with_capacity(capacity)));
    }
    started.elapsed().as_nanos() as f64 / rounds as f64
}

fn main() {
    let given: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let capacities = if given.is_empty() { default_capacities() } else { given };
    let rows: Vec<String> = capacities
        .iter()
        .map(|&c| {
            let h16 = requested_by(|| HashMap::<u64, u64>::with_capacity(c as usize));
            let h24 = requested_by(|| HashMap::<u64, V16>::with_capacity(c as usize));
            format!("    {{\"capacity\": {c}, \"flatBytes\": {}, \"hashbrown16Bytes\": {h16}, \"hashbrown24Bytes\": {h24}}}", table_bytes(c))
        })
        .collect();
    let ns = with_capacity_ns(10_000_000, 20);
    println!("{{\n  \"rows\": [\n{}\n  ],\n  \"timing\": {{\"capacity\": 10000000, \"entryBytes\": 24, \"withCapacityNs\": {ns:.0}}}\n}}", rows.join(",\n"));
}

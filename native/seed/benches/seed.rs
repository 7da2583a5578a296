//! The seed's Criterion benchmark, as the seed shows it: iter_batched with PerIteration, the setup
//! building an OptimisedIndex holding the as-written SegmentedStream, upserts disabled. A setup
//! counter feeds the allocator's failure line, so the real harness's warm-up can be seen dying:
//! `SEED_LIMIT=800MiB cargo bench --bench seed` (an RLIMIT_AS the bench sets itself).

use std::sync::atomic::Ordering::Relaxed;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use seed_native::counting::INSTANCE;
use seed_native::index::{Indexer, OptimisedIndex};
use seed_native::variant::Variant;
use seed_native::vmsize::{limit_address_space, vm_size_bytes};

const CAPACITY: u64 = 10_000_000;

fn limit_from_env() {
    let text = match std::env::var("SEED_LIMIT") {
        Ok(text) => text,
        Err(_) => return,
    };
    let mib: u64 = text.trim_end_matches("MiB").parse().expect("SEED_LIMIT: a number of MiB, e.g. 800MiB");
    eprintln!("seed bench: VmSize at start {} B; RLIMIT_AS {} MiB", vm_size_bytes(), mib);
    limit_address_space(mib << 20).expect("setrlimit");
}

fn variant_from_env() -> Variant {
    std::env::var("SEED_VARIANT").ok().and_then(|v| Variant::parse(&v)).unwrap_or(Variant::AsWritten)
}

fn seed(c: &mut Criterion) {
    limit_from_env();
    let variant = variant_from_env();
    c.bench_function("optimised_index_upsert", |b| {
        b.iter_batched(
            || {
                INSTANCE.fetch_add(1, Relaxed);
                OptimisedIndex::new_with_indexer_and_capacity(Indexer::FirstWord, CAPACITY, variant, 64)
            },
            |idx| {
                // upsert is DISABLED, as in the seed.
                black_box(&idx);
            },
            BatchSize::PerIteration,
        )
    });
    eprintln!("seed bench: {} setups", INSTANCE.load(Relaxed));
}

criterion_group!(benches, seed);
criterion_main!(benches);

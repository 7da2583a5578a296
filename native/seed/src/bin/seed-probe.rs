//! `seed-probe <variant>`: `segstream probe`, natively (same options, same JSON field names).
//! `--limit BYTES` is an address-space limit here: setrlimit(RLIMIT_AS) on this process, set
//! before the loop. When an allocation is refused, the allocator prints
//! `seed-probe: allocation failed: {instance, bytes, align, site, vmSizeBytes, ...}` and Rust aborts.

use std::process::ExitCode;

use seed_native::counting::WATCHED_SIZES;
use seed_native::index::{Indexer, TableKind};
use seed_native::json::Object;
use seed_native::probe::{run_probe, table_bytes, ProbeOptions, ProbeResult};
use seed_native::variant::{Variant, VARIANTS};
use seed_native::vmsize::limit_address_space;

const USAGE: &str = "usage: seed-probe <variant> [--instances N] [--page-slots S] [--appends K] [--index-capacity C [--upserts K] [--indexer I] [--index-table flat|hashbrown]] [--limit BYTES] [--allow-ub] [--json]";

struct Args {
    options: ProbeOptions,
    limit: Option<u64>,
    allow_ub: bool,
    json: bool,
}

fn number(name: &str, value: Option<&String>) -> Result<u64, String> {
    let text = value.ok_or(format!("--{name} needs a value"))?;
    parse_bytes(text).ok_or(format!("--{name} must be a whole number, got {text:?}"))
}

/// "268435456", "800MiB", "1GiB".
fn parse_bytes(text: &str) -> Option<u64> {
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit() || *c == '_').filter(|c| *c != '_').collect();
    let unit = match text[digits.len().min(text.len())..].trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        _ => return None,
    };
    digits.parse::<u64>().ok().map(|n| n * unit)
}

fn parse(argv: &[String]) -> Result<Args, String> {
    let name = argv.first().ok_or(format!("missing <variant> (one of {})", VARIANTS.map(|(n, _)| n).join(", ")))?;
    let variant = Variant::parse(name).ok_or(format!("unknown variant {name:?}"))?;
    let mut options = ProbeOptions { variant, instances: 100_000, page_slots: 64, appends: 0, index_capacity: None, upserts: 0, indexer: Indexer::FirstWord, index_table: TableKind::Flat };
    let (mut limit, mut allow_ub, mut json) = (None, false, false);
    let mut rest = argv[1..].iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--instances" => options.instances = number("instances", rest.next())?,
            "--page-slots" => options.page_slots = number("page-slots", rest.next())? as usize,
            "--appends" => options.appends = number("appends", rest.next())?,
            "--index-capacity" => options.index_capacity = Some(number("index-capacity", rest.next())?),
            "--upserts" => options.upserts = number("upserts", rest.next())?,
            "--indexer" => options.indexer = rest.next().and_then(|n| Indexer::parse(n)).ok_or("--indexer: first-word, second-word or hash-both")?,
            "--index-table" => options.index_table = rest.next().and_then(|n| TableKind::parse(n)).ok_or("--index-table: flat or hashbrown")?,
            "--limit" => limit = Some(number("limit", rest.next())?),
            "--growth" => drop(rest.next()), // the model's linear memory only; glibc decides natively
            "--allow-ub" => allow_ub = true,
            "--json" => json = true,
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    if !options.page_slots.is_power_of_two() {
        return Err(format!("--page-slots must be a power of two, got {}", options.page_slots));
    }
    if variant == Variant::BoxDrop && !allow_ub {
        return Err("box-drop frees an address 16 bytes into an ArcInner (undefined behaviour): add --allow-ub to run it with that free caught and counted".into());
    }
    Ok(Args { options, limit, allow_ub, json })
}

/** {"640": n, ...}: live blocks of the epoch's sizes, after less before the loop. */
fn watched_delta(a: &seed_native::counting::Snapshot, b: &seed_native::counting::Snapshot) -> String {
    let fields: Vec<String> = WATCHED_SIZES.iter().enumerate().map(|(i, size)| format!("\"{size}\": {}", a.watched[i] as i64 - b.watched[i] as i64)).collect();
    format!("{{{}}}", fields.join(", "))
}

fn render(args: &Args, r: &ProbeResult, table_bytes: Option<u64>) -> String {
    let o = &args.options;
    let (b, a) = (&r.before, &r.after);
    let n = o.instances.max(1) as f64;
    let per = |v: i64| if o.instances == 0 { 0.0 } else { v as f64 / n };
    let live_bytes = a.live_bytes as i64 - b.live_bytes as i64;
    let live_blocks = a.live_blocks as i64 - b.live_blocks as i64;
    let requests = (a.requests - b.requests) as i64;
    let large: Vec<String> = r.large_requests.iter().map(|(bytes, count)| format!("{{\"bytes\": {bytes}, \"count\": {count}}}")).collect();
    let drain = r.drain.as_ref().map(|d| {
        Object::new().raw("rounds", d.rounds).raw("freedBytes", d.freed_bytes).raw("freedBlocks", d.freed_blocks).raw("liveBytes", d.live_bytes).raw("pendingUserDeferred", d.pending_user_deferred).inline()
    });
    let index = o.index_capacity.is_some();
    Object::new()
        .text("variant", o.variant.name())
        .text("structure", if index { "OptimisedIndex" } else { "SegmentedStream" })
        .raw("instances", o.instances)
        .raw("pageSlots", o.page_slots)
        .raw("appends", if index { 0 } else { o.appends })
        .option("indexCapacity", o.index_capacity)
        .option("indexTable", index.then(|| format!("\"{}\"", o.index_table.name())))
        .option("indexTableBytes", table_bytes)
        .raw("upserts", if index { o.upserts } else { 0 })
        .raw("liveBytes", live_bytes)
        .raw("liveBlocks", live_blocks)
        .raw("peakBytesAboveStart", a.peak_bytes as i64 - b.live_bytes as i64)
        .raw("requests", requests)
        .raw("requestedBytes", a.requested_bytes - b.requested_bytes)
        .raw("frees", a.frees - b.frees)
        .raw("largestRequest", a.largest_request)
        .raw("retainedBytesPerInstance", per(live_bytes))
        .raw("retainedBlocksPerInstance", per(live_blocks))
        .raw("requestsPerInstance", per(requests))
        .raw("invalidFrees", a.invalid_frees - b.invalid_frees)
        .raw("doubleFrees", 0)
        .raw("pendingUserDeferred", r.pending_user_deferred)
        .raw("deferredCreated", r.deferred_created)
        .raw("deferredRun", r.deferred_run)
        .raw("liveBlocksBySize", watched_delta(a, b))
        .raw("largeRequests", format!("[{}]", large.join(", ")))
        .raw("liveBytesAtStart", b.live_bytes)
        .raw("liveBlocksAtStart", b.live_blocks)
        .raw("vmSizeAtStartBytes", r.vm_size_at_start)
        .raw("baselineBytes", r.baseline)
        .option("limitBytes", args.limit)
        .raw("allowUb", args.allow_ub)
        .option("drain", drain)
        .raw("elapsedMs", format!("{:.3}", r.elapsed_ms))
        .render()
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.iter().any(|a| a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse(&argv) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("seed-probe: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Measured before the limit and the loop (a HashMap's request is std's to say, so it is made once).
    let table = args.options.index_capacity.map(|c| table_bytes(c, args.options.index_table));
    if let Some(bytes) = args.limit {
        if let Err(error) = limit_address_space(bytes) {
            eprintln!("seed-probe: setrlimit(RLIMIT_AS, {bytes}) failed: {error}");
            return ExitCode::from(1);
        }
    }
    let result = run_probe(&args.options);
    let json = render(&args, &result, table);
    if args.json {
        println!("{json}");
    } else {
        println!("seed-probe {}: {} instances", args.options.variant.name(), args.options.instances);
        println!("{json}");
    }
    ExitCode::SUCCESS
}

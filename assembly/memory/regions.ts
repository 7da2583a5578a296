// The reserved region's map (layout.ts) checked against the structures in it, at compile time: each
// region's start plus its size (from the module that declares its structure) must not pass the next
// region's start. layout.ts cannot hold these checks itself: every module below imports it, and AS
// compiles an import cycle's constants in file order. index.ts imports this file; it emits no code.

import {
  HEAP_ROOT, LEDGER, SITE_TABLE, LARGE_LOG, FAILURE_LOG, BAD_FREE_LOG, EPOCH_ROOT, MEMORY_VIEW, LAB_STATE,
  CHECK_SCRATCH, EPOCH_CONFIG, EPOCH_CONFIG_BYTES, CHECK_REPORTS, THREAD_CACHES, POINT_TABLE, RESERVED_END
} from "./layout";
import { ROOT_SIZE } from "./block";
import {
  LEDGER_SIZE, SITE_RECORD_SIZE, LARGE_ENTRY, LARGE_CAPACITY, FAILURE_ENTRY, FAILURE_CAPACITY, BAD_FREE_ENTRY,
  BAD_FREE_CAPACITY
} from "./ledger";
import { MAX_SITES, POINT_RECORDS } from "./sites";
import { MEMORY_VIEW_SIZE } from "./view";
import { LabState, CHECK_REPORTS_SIZE } from "./lab_state";
import { CHECK_SCRATCH_SIZE } from "./check";
import { THREAD_CACHES_SIZE } from "./thread_cache";

// Region start + its size <= next region start. (EPOCH_ROOT's own check, against MEMORY_VIEW, is in
// epoch/collector.ts, which declares EpochRoot.)
if (HEAP_ROOT < 0x40) ERROR("HEAP_ROOT must leave the null guard alone");
if (HEAP_ROOT + ROOT_SIZE > LEDGER) ERROR("HEAP_ROOT runs into LEDGER");
if (LEDGER + LEDGER_SIZE > SITE_TABLE) ERROR("LEDGER runs into SITE_TABLE");
if (SITE_TABLE + <usize>MAX_SITES * SITE_RECORD_SIZE > LARGE_LOG) ERROR("SITE_TABLE runs into LARGE_LOG");
if (LARGE_LOG + <usize>LARGE_CAPACITY * LARGE_ENTRY > FAILURE_LOG) ERROR("LARGE_LOG runs into FAILURE_LOG");
if (FAILURE_LOG + <usize>FAILURE_CAPACITY * FAILURE_ENTRY > BAD_FREE_LOG) ERROR("FAILURE_LOG runs into BAD_FREE_LOG");
if (BAD_FREE_LOG + <usize>BAD_FREE_CAPACITY * BAD_FREE_ENTRY > EPOCH_ROOT) ERROR("BAD_FREE_LOG runs into EPOCH_ROOT");
if (MEMORY_VIEW + MEMORY_VIEW_SIZE > LAB_STATE) ERROR("MEMORY_VIEW runs into LAB_STATE");
if (LAB_STATE + offsetof<LabState>() > CHECK_SCRATCH) ERROR("LAB_STATE runs into CHECK_SCRATCH");
if (CHECK_SCRATCH + CHECK_SCRATCH_SIZE > EPOCH_CONFIG) ERROR("CHECK_SCRATCH runs into EPOCH_CONFIG");
if (EPOCH_CONFIG + EPOCH_CONFIG_BYTES > CHECK_REPORTS) ERROR("EPOCH_CONFIG runs into CHECK_REPORTS");
if (CHECK_REPORTS + CHECK_REPORTS_SIZE > THREAD_CACHES) ERROR("CHECK_REPORTS runs into THREAD_CACHES");
if (THREAD_CACHES + THREAD_CACHES_SIZE > POINT_TABLE) ERROR("THREAD_CACHES runs into POINT_TABLE");
if (POINT_TABLE + <usize>POINT_RECORDS * SITE_RECORD_SIZE > RESERVED_END) ERROR("POINT_TABLE must end inside the reserved region");

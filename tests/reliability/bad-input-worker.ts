// Runs bad-input rows (bad-input-rows.ts) by id, in order, for bad-input.test.ts, which watches the
// time each takes. Posts { start: id } before a row and { done: id, result } after it, then
// { finished: true }. A row passes if its call throws the expected error class with a message naming
// the argument, and afterwards lab.check() passes and the lab still works (a fresh stream appends and
// reads back). Rows of a group share fixtures until one fails; isolated rows get their own.

import { parentPort, workerData } from "node:worker_threads";
import { SegmentedStream } from "../../src/index.js";
import { makeFixtures, type Fixtures } from "./api-spec.js";
import { allRows, type RowResult } from "./bad-input-table.js";
import type { Row } from "./bad-input-rows.js";

const rows = new Map(allRows().map((row) => [row.id, row]));

function outcome(row: Row, fx: Fixtures): string[] {
  try {
    row.call(fx);
    return ["accepted: no error thrown"];
  } catch (error) {
    const e = error as Error;
    if (!(e instanceof globalThis[row.expect])) return [`threw ${e?.name}: ${e?.message}; expected a ${row.expect}`];
    if (!row.names.test(e.message)) return [`the message does not name the argument (${row.names}): ${e.message}`];
    return [];
  }
}

/** lab.check() passes, and a fresh stream appends and reads back. */
function aftermath(fx: Fixtures): string[] {
  try {
    fx.lab.check();
  } catch (error) {
    return [`lab.check() afterwards: ${(error as Error).message}`];
  }
  try {
    const stream = SegmentedStream.create(fx.lab, { variant: "explicit-drop" });
    const at = stream.append(7, 8);
    const back = stream.get(at);
    stream.drop();
    return back?.[0] === 7 && back[1] === 8 ? [] : [`the lab is not usable afterwards: read back ${JSON.stringify(back)}`];
  } catch (error) {
    return [`the lab is not usable afterwards: ${(error as Error).name}: ${(error as Error).message}`];
  }
}

function run(row: Row, fx: Fixtures): RowResult {
  const problems = [...outcome(row, fx), ...aftermath(fx)];
  return { ok: problems.length === 0, detail: problems.join("; ") };
}

let fixtures: Fixtures | undefined;
let group: string | undefined;
for (const id of workerData.ids as string[]) {
  parentPort!.postMessage({ start: id });
  const row = rows.get(id);
  let result: RowResult;
  if (!row) result = { ok: false, detail: "no such row" };
  else {
    try {
      if (!fixtures || row.isolated || row.group !== group) fixtures = makeFixtures();
      group = row.group;
      result = run(row, fixtures);
    } catch (error) {
      result = { ok: false, detail: `fixtures: ${(error as Error).message}` };
    }
  }
  if (!result.ok || row?.isolated) fixtures = undefined;
  parentPort!.postMessage({ done: id, result });
}
parentPort!.postMessage({ finished: true });

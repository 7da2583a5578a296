// The reserved low region (assembly/memory/layout.ts) holds shared roots side by side; a region
// written over another's words changes what that other one means. Run in both builds: the debug
// build's after-call checks write this thread's report slot after every state-changing call.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Lab } from "../../src/memory/lab.js";

const LOCAL_0913 = 2104;

test("the crossbeam-epoch version set at create keeps its meaning through any instance's calls (no region overlaps it)", () => {
  const lab = Lab.create({ crossbeam: "0.9.13" });
  // Instances are numbered from 1 as they start; report slots go round robin, so reach the 64th too.
  const labs = [lab, ...Array.from({ length: 64 }, () => Lab.attach(lab.memory, lab.module))];
  const localBytes = () => lab.ledger().sites.find((s) => s.name.startsWith("Local"))?.liveBytes ?? 0;
  for (const l of labs) l.free(l.alloc("test", 64), "test"); // state-changing calls: the debug build checks after each
  const participants = labs.map((l) => l.epoch.participant());
  for (const p of participants) p.pin().release();
  assert.equal(localBytes(), labs.length * LOCAL_0913, "every instance's Local is 0.9.13's");
  for (const p of participants) p.unregister();
  for (const l of labs.slice(1)) l.close();
  lab.close();
});

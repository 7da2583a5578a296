// Worker for poison.test.ts: attaches a Lab to the memory it is given, says "ready", and on "go"
// makes one call, answering with what it threw (or "no error").

import { parentPort, workerData } from "node:worker_threads";
import { Lab } from "../../src/index.js";

const lab = Lab.attach(workerData.memory, workerData.module);
parentPort!.postMessage("ready");
parentPort!.once("message", () => {
  try {
    lab.alloc("test", 8);
    parentPort!.postMessage({ name: "no error", message: "", poisoned: lab.poisoned });
  } catch (error) {
    parentPort!.postMessage({ name: (error as Error).name, message: (error as Error).message, poisoned: lab.poisoned });
  }
});

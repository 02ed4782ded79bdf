#!/usr/bin/env node
// Entry point of the `ovs-ts` command: runs the compiled CLI from dist/.
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`ovs-ts: ${err && err.message ? err.message : err}`); process.exitCode = 1; },
);

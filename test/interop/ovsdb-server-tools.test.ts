// Interop: the command sequences of test/corpus/ovsdb/server-tools.json
// (everyday ovs-vsctl --no-wait commands; ovsdb-client transact, query,
// dump, monitor, monitor-cond, monitor-cond-since, lock, steal) run against
// the real ovsdb-server and `ovs-ts ovsdb-server`, each on a fresh database
// made by the real `ovsdb-tool create`; the tools must print the same
// things (UUIDs masked) and exit the same way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OVSDB_CORPUS_DIR } from '../corpus/ovsdb/corpus.js';
import { realOvsMissing } from '../support/real-ovs.js';
import { VSWITCH_SCHEMA } from '../support/ovsdb-normalize.js';
import { maskUuids, startBackgroundClient, startServer, type BackgroundClient, type SandboxServer, type ServerKind } from '../support/ovsdb-servers.js';

interface Step {
  readonly vsctl?: string[];
  readonly client?: string[];
  readonly bg?: string;
  readonly stop?: string;
  readonly appctl?: string;
  readonly args?: string[];
  readonly sort?: boolean;
}

const corpus = JSON.parse(readFileSync(join(OVSDB_CORPUS_DIR, 'server-tools.json'), 'utf8')) as { cases: { name: string; steps: Step[] }[] };
const missing = realOvsMissing();

function runTool(server: SandboxServer, tool: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(tool, args, { env: server.env, cwd: server.dir, timeout: 20_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : String(error.code ?? error.signal)) : 0;
      // Drop the log line prefix (time and sequence number) that tools put on stderr.
      const errors = stderr.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|\d+\|/gm, '');
      resolve(`status ${status}\n${stdout}${errors ? `stderr: ${errors}` : ''}`);
    });
  });
}

function present(text: string, sort: boolean | undefined): string {
  const masked = maskUuids(text).replace(/ovsdb-client\.\d+\.ctl/g, 'ovsdb-client.PID.ctl').replace(/\/tmp\/ovsdb-(real|ours)-\w+/g, 'DIR');
  return sort ? masked.split('\n').sort().join('\n') : masked;
}

async function runCase(kind: ServerKind, steps: Step[]): Promise<string[]> {
  const server = await startServer(kind, VSWITCH_SCHEMA, { init: true });
  const background = new Map<string, BackgroundClient>();
  const outputs: string[] = [];
  try {
    for (const step of steps) {
      const args = (step.client ?? []).map((arg) => arg.replace('{remote}', server.remote));
      if (step.vsctl) {
        outputs.push(present(await runTool(server, 'ovs-vsctl', ['--no-wait', ...step.vsctl]), step.sort));
      } else if (step.bg) {
        background.set(step.bg, await startBackgroundClient(server, step.bg, args));
        await new Promise((r) => setTimeout(r, 100));
      } else if (step.client) {
        outputs.push(present(await runTool(server, 'ovsdb-client', args), step.sort));
      } else if (step.appctl) {
        outputs.push(present(await runTool(server, 'ovs-appctl', ['-t', background.get(step.appctl)!.ctlPath(), ...step.args!]), step.sort));
        await new Promise((r) => setTimeout(r, 200));
      } else if (step.stop) {
        await new Promise((r) => setTimeout(r, 200));
        outputs.push(`${step.stop}:\n${present(await background.get(step.stop)!.stop(), true)}`);
        background.delete(step.stop);
      }
    }
    return outputs;
  } finally {
    for (const client of background.values()) await client.stop();
    await server.stop();
  }
}

for (const testCase of corpus.cases) {
  test(`ovsdb-server tools: ${testCase.name}: the real tools print the same with ovs-ts`, { skip: missing ?? false, timeout: 120_000 }, async () => {
    const [real, ours] = await Promise.all([runCase('real', testCase.steps), runCase('ours', testCase.steps)]);
    assert.deepEqual(ours, real);
  });
}

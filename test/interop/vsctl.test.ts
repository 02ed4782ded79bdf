// Differential test of `ovs-ts vsctl` against Debian's real ovs-vsctl: each
// scenario of test/corpus/vsctl/cases.txt runs line by line through both
// tools, each against its own real ovsdb-server on a database made from the
// same schema; outputs, errors, exit statuses and the final databases
// (`ovsdb-client dump`) must match with UUIDs masked. Also checks that
// vsctl waits for the switch (next_cfg/cur_cfg) with a real ovs-vswitchd.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { describe, test } from 'node:test';
import { realOvsMissing, startRealOvs, type RealOvs } from '../support/real-ovs.js';
import { runOvsTs, runTool, type ToolOutcome } from '../support/run-tool.js';

const missing = realOvsMissing();
const CASES = fileURLToPath(new URL('../../../test/corpus/vsctl/cases.txt', import.meta.url));

/** Splits a command line as a shell would for simple quoting. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (char === "'" || char === '"') {
      const end = line.indexOf(char, i + 1);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(char)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

interface Scenario {
  readonly name: string;
  readonly lines: { args: string[]; unordered: boolean; text: string }[];
}

function loadScenarios(): Scenario[] {
  const scenarios: Scenario[] = [];
  for (const raw of readFileSync(CASES, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('## ')) scenarios.push({ name: line.slice(3), lines: [] });
    else if (line && !line.startsWith('#')) {
      const unordered = line.startsWith('~');
      const text = unordered ? line.slice(1) : line;
      scenarios[scenarios.length - 1]?.lines.push({ args: splitWords(text), unordered, text });
    }
  }
  return scenarios;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Sorts sibling lines (with their indented children) so that hash order does not matter. */
function sortTree(lines: string[]): string[] {
  const indent = (line: string): number => line.length - line.trimStart().length;
  const blocks: string[][] = [];
  for (const line of lines) {
    const last = blocks[blocks.length - 1];
    if (last && indent(line) > indent(last[0] as string)) last.push(line);
    else blocks.push([line]);
  }
  return blocks
    .map((block) => [block[0] as string, ...sortTree(block.slice(1))].join('\n'))
    .sort()
    .flatMap((block) => block.split('\n'));
}

function normalize(outcome: ToolOutcome, unordered: boolean): ToolOutcome {
  let stdout = outcome.stdout.replace(UUID, '<uuid>');
  if (unordered) {
    stdout = stdout.split('\n\n').map((record) => sortTree(record.split('\n').filter(Boolean)).join('\n')).sort().join('\n\n');
  }
  const stderr = outcome.stderr.replace(UUID, '<uuid>').replace(/^\S+Z\|\d+\|/gm, 'TIME|N|');
  return { stdout, stderr, status: outcome.status };
}

async function dump(ovs: RealOvs): Promise<string> {
  const outcome = await runTool('ovsdb-client', ['-f', 'csv', 'dump', `unix:${join(ovs.dir, 'db.sock')}`], { env: ovs.env });
  return outcome.stdout.replace(UUID, '<uuid>').split('\n').sort().join('\n');
}

// Scenarios use their own sandboxes, so they run side by side: most of the time
// goes to starting processes, not to CPU.
describe('ovs-ts vsctl prints what ovs-vsctl prints', { skip: missing ?? false, concurrency: 4 }, () => {
  for (const scenario of missing ? [] : loadScenarios()) {
    test(`${scenario.name}: same output and same database`, async () => {
      const real = await startRealOvs({ vswitchd: false });
      const ours = await startRealOvs({ vswitchd: false });
      try {
        // Every difference is reported, not only the first.
        const differences: { line: string; expected: ToolOutcome; actual: ToolOutcome }[] = [];
        for (const line of scenario.lines) {
          const [expectedRaw, actualRaw] = await Promise.all([
            runTool('ovs-vsctl', line.args, { env: real.env }), runOvsTs(['vsctl', ...line.args], { env: ours.env }),
          ]);
          const expected = normalize(expectedRaw, line.unordered);
          const actual = normalize(actualRaw, line.unordered);
          if (!isDeepStrictEqual(actual, expected)) differences.push({ line: `ovs-vsctl ${line.text}`, expected, actual });
        }
        assert.deepEqual(differences, []);
        assert.equal(await dump(ours), await dump(real), 'ovsdb-client dump after the scenario');
      } finally {
        await real.stop();
        await ours.stop();
      }
    });
  }

  for (const args of [['--no-wait', 'init'], ['--timeout=4', 'list-br'], ['--no-wait', 'add-br', 'br0']]) {
    test(`${args.join(' ')} on a database without an Open_vSwitch row does what ovs-vsctl does`, async () => {
      const real = await startRealOvs({ init: false });
      const ours = await startRealOvs({ init: false });
      try {
        const [expected, actual] = await Promise.all([
          runTool('ovs-vsctl', args, { env: real.env }), runOvsTs(['vsctl', ...args], { env: ours.env }),
        ]);
        assert.deepEqual(normalize(actual, false), normalize(expected, false));
        assert.equal(await dump(ours), await dump(real));
      } finally {
        await real.stop();
        await ours.stop();
      }
    });
  }

  test('concurrent add-port commands all land: the losers of each race retry (TRY_AGAIN)', async () => {
    const ovs = await startRealOvs({ vswitchd: false });
    try {
      await ovs.vsctl('--no-wait', 'add-br', 'br0');
      const ports = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];
      const outcomes = await Promise.all(ports.map((port) => runOvsTs(['vsctl', '--no-wait', 'add-port', 'br0', port], { env: ovs.env })));
      assert.deepEqual(outcomes.map((outcome) => outcome.status), ports.map(() => 0));
      assert.equal(await ovs.vsctl('list-ports', 'br0'), ports.map((port) => `${port}\n`).join(''));
    } finally {
      await ovs.stop();
    }
  });

  test('add-br without --no-wait returns once ovs-vswitchd applied next_cfg', async () => {
    const ovs = await startRealOvs();
    try {
      const outcome = await runOvsTs(['vsctl', '--timeout=10', 'add-br', 'wait0'], { env: ovs.env });
      assert.deepEqual(outcome, { stdout: '', stderr: '', status: 0 });
      const cfg = await ovs.vsctl('get', 'Open_vSwitch', '.', 'next_cfg', 'cur_cfg');
      const [next, cur] = cfg.trim().split('\n');
      assert.equal(cur, next);
      assert.ok(Number(next) > 0);
    } finally {
      await ovs.stop();
    }
  });

  test('without --no-wait and no switch, --timeout ends vsctl as ovs-vsctl ends (SIGALRM)', async () => {
    const ovs = await startRealOvs({ vswitchd: false });
    try {
      const expected = await runTool('ovs-vsctl', ['--timeout=4', 'add-br', 'x0'], { env: ovs.env });
      const actual = await runOvsTs(['vsctl', '--timeout=4', 'add-br', 'x1'], { env: ovs.env });
      assert.deepEqual(normalize(actual, false), normalize(expected, false));
      assert.equal(await ovs.vsctl('list-br'), 'x0\nx1\n');
    } finally {
      await ovs.stop();
    }
  });

  test('a missing database socket is reported as ovs-vsctl reports it', async () => {
    const args = ['--db=unix:/nonexistent/db.sock', 'show'];
    const expected = await runTool('ovs-vsctl', args);
    const actual = await runOvsTs(['vsctl', ...args]);
    assert.deepEqual(actual, expected);
  });
});

// Runs a command-line tool (ours or Open vSwitch's) to completion and captures
// what a shell user would see: stdout, stderr and the exit status. Shared by
// the interop tests that compare `ovs-ts X` with the real `ovs-X`.

import { execFile } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The `ovs-ts` entry point of this checkout (from dist/test/support/). */
export const OVS_TS_BIN = fileURLToPath(new URL('../../../bin/ovs-ts', import.meta.url));

export interface ToolOutcome {
  stdout: string;
  stderr: string;
  /** The status a shell would show: the exit code, or 128 + signal number. */
  status: number;
}

/** Replaces the timestamp that starts each log line, so two runs compare equal. */
export function maskLogTimestamps(text: string): string {
  return text.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\|/gm, 'TIME|');
}

/** Runs `file` with `args`; never rejects: a failure is in the outcome's status. */
export function runTool(
  file: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<ToolOutcome> {
  return new Promise((resolve) => {
    execFile(file, args, { env: options.env, cwd: options.cwd, timeout: options.timeoutMs ?? 20_000 },
      (error, stdout, stderr) => {
        let status = 0;
        if (error) {
          const signal = (error as { signal?: NodeJS.Signals | null }).signal;
          status = typeof error.code === 'number' ? error.code : signal ? 128 + constants.signals[signal] : -1;
        }
        resolve({ stdout, stderr, status });
      });
  });
}

/** Runs `ovs-ts ARGS...` from this checkout. */
export function runOvsTs(
  args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<ToolOutcome> {
  return runTool(process.execPath, [OVS_TS_BIN, ...args], options);
}

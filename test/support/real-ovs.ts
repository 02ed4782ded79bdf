// Runs Debian's real Open vSwitch (the oracle) in a scratch directory for
// interop and differential tests: ovsdb-server plus `ovs-vswitchd
// --enable-dummy`, started the way Open vSwitch's own test suite starts them.
// Nothing touches the system's /var/run/openvswitch.

import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Why the real Open vSwitch cannot be used here, or null when it can. */
export function realOvsMissing(): string | null {
  for (const tool of ['ovs-vswitchd', 'ovsdb-server', 'ovsdb-tool', 'ovs-vsctl', 'ovs-appctl', 'ovs-ofctl']) {
    try {
      execFileSync('which', [tool], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (apt-get install openvswitch-switch openvswitch-common)`;
    }
  }
  return null;
}

export interface RealOvs {
  /** The scratch directory used as OVS_RUNDIR, OVS_LOGDIR, OVS_DBDIR and OVS_SYSCONFDIR. */
  readonly dir: string;
  /** Environment that points OVS tools at this sandbox. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs a real OVS tool (ovs-vsctl, ovs-appctl, ovs-ofctl, ...) against the sandbox; resolves to stdout. */
  run(tool: string, args: string[]): Promise<string>;
  /** Shorthand for run('ovs-appctl', args). */
  appctl(...args: string[]): Promise<string>;
  /** Shorthand for run('ovs-vsctl', args). */
  vsctl(...args: string[]): Promise<string>;
  /** Stops both daemons and removes the directory. */
  stop(): Promise<void>;
}

/**
 * Starts ovsdb-server and ovs-vswitchd --enable-dummy in a fresh directory.
 * With `vswitchd: false` only the database server runs; with `init: false`
 * (which implies no vswitchd) the database is left without its Open_vSwitch row.
 */
export async function startRealOvs(options: { vswitchd?: boolean; init?: boolean } = {}): Promise<RealOvs> {
  const dir = mkdtempSync(join(tmpdir(), 'real-ovs-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir,
  };
  const run = async (tool: string, args: string[]): Promise<string> => {
    const { stdout } = await execFileAsync(tool, args, { env, cwd: dir, timeout: 30_000 });
    return stdout;
  };
  const schema = '/usr/share/openvswitch/vswitch.ovsschema';
  await run('ovsdb-tool', ['create', join(dir, 'conf.db'), schema]);
  await run('ovsdb-server', [
    '--detach', '--no-chdir', '--pidfile', '--log-file',
    `--remote=punix:${join(dir, 'db.sock')}`, join(dir, 'conf.db'),
  ]);
  if (options.init !== false) await run('ovs-vsctl', ['--no-wait', 'init']);
  if (options.vswitchd !== false && options.init !== false) {
    await run('ovs-vswitchd', [
      '--enable-dummy', '--disable-system', '--disable-system-route',
      '--detach', '--no-chdir', '--pidfile', '--log-file',
    ]);
  }
  const stop = async (): Promise<void> => {
    for (const daemon of ['ovs-vswitchd', 'ovsdb-server']) {
      const pidfile = join(dir, `${daemon}.pid`);
      if (!existsSync(pidfile)) continue;
      const pid = Number(readFileSync(pidfile, 'utf8').trim());
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        continue;
      }
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    dir, env, run, stop,
    appctl: (...args) => run('ovs-appctl', args),
    vsctl: (...args) => run('ovs-vsctl', args),
  };
}

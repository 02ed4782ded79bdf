// The unixctl commands every ovs-ts daemon answers besides the server's own
// (`list-commands`, `version`): `exit [--cleanup]` and the clock controls
// `time/stop` and `time/warp`, with the replies ovs-vswitchd gives. The daemon
// main (src/cli/vswitchd.ts) registers them and says what exit means.

import { clockStop, clockWarp } from './timeval.js';
import { UnixctlCommandError, unixctlCommandRegister } from './unixctl-commands.js';

export interface DaemonCommandOptions {
  /**
   * Called after the `exit` reply has been handed to the server; `cleanup` is
   * true for `exit --cleanup` (remove what the daemon created, e.g. datapaths).
   */
  readonly onExit: (options: { cleanup: boolean }) => void;
}

let warpInProgress = false;

function parseMsecs(text: string): number {
  if (!/^\d+$/.test(text)) throw new UnixctlCommandError('invalid MSECS');
  const value = Number(text);
  if (!(value > 0) || !Number.isSafeInteger(value)) throw new UnixctlCommandError('invalid MSECS');
  return value;
}

/** Registers exit, time/stop and time/warp. */
export function daemonRegisterCommands(options: DaemonCommandOptions): void {
  unixctlCommandRegister('exit', '[--cleanup]', 0, 1, (args) => {
    // Like ovs-vswitchd, any argument other than --cleanup is ignored.
    const cleanup = args[0] === '--cleanup';
    // Let the server send the reply before the daemon closes it.
    setTimeout(() => options.onExit({ cleanup }), 20);
    return '';
  });
  unixctlCommandRegister('time/stop', '', 0, 0, () => {
    clockStop();
    return '';
  });
  unixctlCommandRegister('time/warp', '[large_msecs] msecs', 1, 2, async (args) => {
    if (warpInProgress) throw new UnixctlCommandError('A previous warp in progress');
    const total = parseMsecs(args[0]!);
    const step = args.length === 2 ? parseMsecs(args[1]!) : total;
    warpInProgress = true;
    try {
      await clockWarp(total, step);
    } finally {
      warpInProgress = false;
    }
    return 'warped\n';
  });
}

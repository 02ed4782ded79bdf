// The registry of unixctl commands of this process (OVS's
// unixctl_command_register). Modules register their commands here at start-up
// (vlog/*, coverage/*, time/*, ...); the unixctl server (src/lib/unixctl.ts)
// looks them up when a request arrives. Kept apart from the server so that a
// module can offer commands without depending on sockets.

/** Thrown (or rejected) by a handler to send an error reply with this text. */
export class UnixctlCommandError extends Error {
  readonly code = 'EUNIXCTL';
}

/**
 * A command handler: resolves to the reply body (OVS replies end with a
 * newline where the command prints lines). Throwing UnixctlCommandError sends
 * its message as the error reply; any other exception is a bug and is
 * reported as an error reply too, without stopping the server.
 */
export type UnixctlHandler = (args: string[]) => string | Promise<string>;

export interface UnixctlCommand {
  readonly name: string;
  /** Argument synopsis shown by list-commands, e.g. "[module[:destination[:level]]]". */
  readonly usage: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly handler: UnixctlHandler;
}

const commands = new Map<string, UnixctlCommand>();

/** Registers (or replaces) a command. */
export function unixctlCommandRegister(
  name: string, usage: string, minArgs: number, maxArgs: number, handler: UnixctlHandler,
): void {
  if (!(minArgs >= 0 && maxArgs >= minArgs)) {
    throw new RangeError(`unixctl command ${name}: bad argument counts ${minArgs}..${maxArgs}`);
  }
  commands.set(name, { name, usage, minArgs, maxArgs, handler });
}

export function unixctlCommandUnregister(name: string): void {
  commands.delete(name);
}

export function unixctlCommandLookup(name: string): UnixctlCommand | undefined {
  return commands.get(name);
}

/** Every registered command, sorted by name. */
export function unixctlCommandList(): UnixctlCommand[] {
  return [...commands.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

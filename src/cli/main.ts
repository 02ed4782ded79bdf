// The `ovs-ts` command: dispatches to one subcommand per OVS tool.
// Each subcommand module exports `run(args): Promise<number>` (the exit code).

type Subcommand = (args: string[]) => Promise<number>;

const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  appctl: async () => (await import('./appctl.js')).run,
  ofctl: async () => (await import('./ofctl.js')).run,
  'ovsdb-client': async () => (await import('./ovsdb-client.js')).run,
  'ovsdb-server': async () => (await import('./ovsdb-server.js')).run,
  'ovsdb-tool': async () => (await import('./ovsdb-tool.js')).run,
  vsctl: async () => (await import('./vsctl.js')).run,
  vswitchd: async () => (await import('./vswitchd.js')).run,
};

function usage(): string {
  return [
    'usage: ovs-ts COMMAND [ARG...]',
    '',
    'Commands:',
    ...Object.keys(SUBCOMMANDS).sort().map((name) => `  ${name}`),
  ].join('\n');
}

export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 1 : 0;
  }
  const load = SUBCOMMANDS[name];
  if (!load) {
    process.stderr.write(`ovs-ts: unknown command '${name}'; use --help for help\n`);
    return 1;
  }
  return (await load())(rest);
}

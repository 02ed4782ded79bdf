// `ovs-ts vsctl`: ovs-vsctl(8). Parses global options and the commands chained
// with "--", replicates the database through the IDL (src/ovsdb/idl), runs
// every command against one transaction (src/ovsdb/vsctl), commits it and
// reruns everything on TRY_AGAIN, then prints the outputs and, unless
// --no-wait, bumps next_cfg and waits for the switch to report it in cur_cfg.
// Exit status: 0, 1 for errors ("ovs-vsctl: ..."), 2 for a failed br-exists.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ovsRundir } from '../lib/dirs.js';
import { versionText } from '../lib/version.js';
import { vlogInit, vlogModule, vlogSetVerbosity } from '../lib/vlog.js';
import { Idl } from '../ovsdb/idl/idl.js';
import { BrExistsFailure, COMMANDS } from '../ovsdb/vsctl/commands.js';
import { VsctlContext, type VsctlCommand, type VsctlSymbol } from '../ovsdb/vsctl/context.js';
import { VsctlError, type FormatOptions } from '../ovsdb/vsctl/values.js';

const PROGRAM = 'ovs-vsctl';

interface GlobalOptions {
  db: string;
  noWait: boolean;
  timeoutSec: number;
  retry: boolean;
  dryRun: boolean;
  oneline: boolean;
  format: FormatOptions;
}

/** Command options every command may take in ovs-vsctl's table, by name. */
const COMMAND_OPTIONS = new Set([
  '--may-exist', '--if-exists', '--id', '--columns', '--real', '--fake', '--with-iface', '--fake-iface', '--all',
  '--inactivity-probe', '--bootstrap',
]);

class Usage extends Error {}

function parseArgs(args: string[]): { globals: GlobalOptions; commands: VsctlCommand[] } | 'help' | 'version' {
  const globals: GlobalOptions = {
    db: `unix:${join(ovsRundir(), 'db.sock')}`, noWait: false, timeoutSec: 0, retry: false, dryRun: false, oneline: false,
    format: { format: 'list', data: 'string', headings: true },
  };
  const commands: VsctlCommand[] = [];
  let options = new Map<string, string | undefined>();
  let current: VsctlCommand | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      current = null;
      continue;
    }
    if (current) {
      current.args.push(arg);
      continue;
    }
    if (!arg.startsWith('-')) {
      current = { name: arg, options, args: [] };
      options = new Map();
      commands.push(current);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[++i];
      if (next === undefined) throw new Usage(`option '${name}' requires an argument`);
      return next;
    };
    if (COMMAND_OPTIONS.has(name)) {
      options.set(name, inline);
      continue;
    }
    if (/^-t\d*$/.test(name) && name.length > 2) {
      globals.timeoutSec = Number(name.slice(2));
      continue;
    }
    if (/^-v/.test(name) && !name.startsWith('--')) {
      vlogSetVerbosity(arg.slice(2) || undefined);
      continue;
    }
    switch (name) {
      case '--db': globals.db = value(); break;
      case '--no-wait': globals.noWait = true; break;
      case '--timeout': case '-t': globals.timeoutSec = Number(value()); break;
      case '--retry': globals.retry = true; break;
      case '--dry-run': globals.dryRun = true; break;
      case '--oneline': globals.oneline = true; break;
      case '--format': case '-f': {
        const format = value();
        if (!['list', 'table', 'csv', 'json', 'html'].includes(format)) throw new Usage(`unknown output format "${format}"`);
        globals.format.format = format as FormatOptions['format'];
        break;
      }
      case '--data': case '-d': {
        const data = value();
        if (!['string', 'bare', 'json'].includes(data)) throw new Usage(`unknown data format "${data}"`);
        globals.format.data = data as FormatOptions['data'];
        break;
      }
      case '--no-headings': case '--no-heading': globals.format.headings = false; break;
      case '--bare':
        globals.format = { format: 'list', data: 'bare', headings: false };
        break;
      case '--pretty': break;
      case '--no-syslog': break;
      case '--verbose': vlogSetVerbosity(inline); break;
      case '--help': case '-h': return 'help';
      case '--version': case '-V': return 'version';
      default: throw new Usage(`unrecognized option '${name}'`);
    }
  }
  if (options.size) throw new Usage(`missing command name (use --help for help)`);
  if (!commands.length) throw new Usage('missing command name (use --help for help)');
  for (const command of commands) {
    const spec = COMMANDS.get(command.name);
    if (!spec) throw new Usage(`unknown command '${command.name}'; use --help for help`);
    for (const option of command.options.keys()) {
      if (!spec.options.includes(option)) throw new Usage(`'${command.name}' command has no '${option}' option`);
    }
    if (command.args.length < spec.minArgs) {
      throw new Usage(`'${command.name}' command requires at least ${spec.minArgs} arguments`);
    }
    if (command.args.length > spec.maxArgs) {
      const note = command.args.some((arg) => arg.startsWith('-'))
        ? ' (note that options must precede command names and follow a "--" argument)' : '';
      throw new Usage(`'${command.name}' command takes at most ${spec.maxArgs} arguments${note}`);
    }
  }
  return { globals, commands };
}

function usage(): string {
  return `${PROGRAM}: ovs-vswitchd management utility
usage: ${PROGRAM} [OPTIONS] COMMAND [ARG...]

Open vSwitch commands:
  init                        initialize database, if not yet initialized
  show                        print overview of database contents
  emer-reset                  reset configuration to clean state

Bridge commands:
  add-br BRIDGE               create a new bridge named BRIDGE
  add-br BRIDGE PARENT VLAN   create new fake BRIDGE in PARENT on VLAN
  del-br BRIDGE               delete BRIDGE and all of its ports
  list-br                     print the names of all the bridges
  br-exists BRIDGE            exit 2 if BRIDGE does not exist
  br-to-vlan BRIDGE           print the VLAN which BRIDGE is on
  br-to-parent BRIDGE         print the parent of BRIDGE
  br-set-external-id BRIDGE KEY VALUE  set KEY on BRIDGE to VALUE
  br-get-external-id BRIDGE [KEY]  print value of KEY on BRIDGE

Port commands:
  list-ports BRIDGE           print the names of all the ports on BRIDGE
  add-port BRIDGE PORT        add network device PORT to BRIDGE
  add-bond BRIDGE PORT IFACE...  add bonded port PORT in BRIDGE from IFACES
  del-port [BRIDGE] PORT      delete PORT (which may be bonded) from BRIDGE
  port-to-br PORT             print name of bridge that contains PORT

Interface commands (a bond consists of multiple interfaces):
  list-ifaces BRIDGE          print the names of all interfaces on BRIDGE
  iface-to-br IFACE           print name of bridge that contains IFACE

Controller commands:
  get-controller BRIDGE       print the controllers for BRIDGE
  del-controller BRIDGE       delete the controllers for BRIDGE
  set-controller BRIDGE TARGET...  set the controllers for BRIDGE
  get-fail-mode BRIDGE        print the fail-mode for BRIDGE
  del-fail-mode BRIDGE        delete the fail-mode for BRIDGE
  set-fail-mode BRIDGE MODE   set the fail-mode for BRIDGE to MODE

Manager commands:
  get-manager                 print the managers
  del-manager                 delete the managers
  set-manager TARGET...       set the list of managers to TARGET...

SSL commands:
  get-ssl                     print the SSL configuration
  del-ssl                     delete the SSL configuration
  set-ssl PRIV-KEY CERT CA-CERT  set the SSL configuration

Database commands:
  list TBL [REC]              list RECord (or all records) in TBL
  find TBL CONDITION...       list records satisfying CONDITION in TBL
  get TBL REC COL[:KEY]       print values of COLumns in RECord in TBL
  set TBL REC COL[:KEY]=VALUE set COLumn values in RECord in TBL
  add TBL REC COL [KEY=]VALUE add (KEY=)VALUE to COLumn in RECord in TBL
  remove TBL REC COL [KEY=]VALUE  remove (KEY=)VALUE from COLumn
  clear TBL REC COL           clear values from COLumn in RECord in TBL
  create TBL COL[:KEY]=VALUE  create and initialize new record
  destroy TBL REC             delete RECord from TBL
  wait-until TBL REC [COL[:KEY]=VALUE]  wait until condition is true

Options:
  --db=DATABASE               connect to DATABASE
                              (default: unix:${join(ovsRundir(), 'db.sock')})
  --no-wait                   do not wait for ovs-vswitchd to reconfigure
  --retry                     keep trying to connect to server forever
  -t, --timeout=SECS          wait at most SECS seconds for ovs-vswitchd
  --dry-run                   do not commit changes to database
  --oneline                   print exactly one line of output per command
  -f, --format=FORMAT         list, table, csv, json (for list and find)
  -d, --data=FORMAT           string, bare, json
  --no-headings               omit table headings
  --bare                      --format=list --data=bare --no-headings
`;
}

function fail(message: string): number {
  process.stderr.write(`${PROGRAM}: ${message}\n`);
  return 1;
}

/** The reason OVS gives for a connection that could not be made. */
function connectFailure(db: string): string {
  if (db.startsWith('unix:') && !existsSync(db.slice('unix:'.length))) return 'No such file or directory';
  return 'Connection refused';
}

export async function run(args: string[]): Promise<number> {
  vlogInit({ programName: PROGRAM });
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(args);
  } catch (error) {
    if (error instanceof Usage || error instanceof VsctlError) return fail(error.message);
    throw error;
  }
  if (parsed === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (parsed === 'version') {
    process.stdout.write(versionText(PROGRAM));
    return 0;
  }
  const { globals, commands } = parsed;
  if (globals.timeoutSec > 0) {
    // As ovs-vsctl's alarm(): the shell sees 142 (128 + SIGALRM).
    setTimeout(() => {
      vlogModule('fatal_signal').warn('terminating with signal 14 (Alarm clock)');
      process.kill(process.pid, 'SIGALRM');
    }, globals.timeoutSec * 1000).unref();
  }
  let idl: Idl;
  try {
    idl = Idl.open(globals.db, { session: { retry: globals.retry } });
  } catch (error) {
    return fail(`${globals.db}: ${(error as Error).message}`);
  }
  try {
    return await execute(idl, globals, commands);
  } finally {
    await idl.close();
  }
}

async function execute(idl: Idl, globals: GlobalOptions, commands: VsctlCommand[]): Promise<number> {
  try {
    await idl.waitForSync();
  } catch {
    return fail(`${globals.db}: database connection failed (${connectFailure(globals.db)})`);
  }
  let warned = false;
  for (;;) {
    const seqno = idl.seqno;
    const txn = idl.transaction();
    txn.dryRun = globals.dryRun;
    // As ovs-vsctl: any command line on an empty database creates the Open_vSwitch row.
    if (txn.rows('Open_vSwitch').length === 0) txn.insert('Open_vSwitch');
    const symbols = new Map<string, VsctlSymbol>();
    const ctx = new VsctlContext(txn, idl.schema!, symbols, globals.format);
    const outputs: string[] = [];
    try {
      for (const command of commands) {
        ctx.command = command;
        ctx.output = '';
        COMMANDS.get(command.name)!.run(ctx);
        outputs.push(ctx.output);
      }
    } catch (error) {
      if (error instanceof BrExistsFailure) return 2;
      if (error instanceof VsctlError) return fail(error.message);
      throw error;
    }
    if (!warned) {
      for (const [module, text] of ctx.warnings) vlogModule(module).warn(text);
      warned = true;
    }
    if (ctx.tryAgain) {
      await idl.waitForChange().catch(() => undefined);
      if (!idl.isAlive()) return fail(`${globals.db}: database connection failed (${connectFailure(globals.db)})`);
      continue;
    }
    for (const [name, symbol] of symbols) {
      if (!symbol.created) return fail(`row id "${name}" is referenced but never created (e.g. with "-- --id=${name} create ...")`);
    }
    // The increment is sent only if the transaction changes something else.
    const ovs = txn.rows('Open_vSwitch')[0];
    if (!globals.noWait && ovs) txn.increment('Open_vSwitch', ovs.uuid, 'next_cfg');
    const result = await txn.commit();
    if (result.status === 'try-again') {
      // Rebuild from a replica that shows what the other client changed.
      if (idl.isConnected() && idl.seqno === seqno) await idl.waitForChange().catch(() => undefined);
      if (!idl.isConnected()) await idl.waitForSync().catch(() => undefined);
      if (!idl.isAlive()) return fail(`${globals.db}: database connection failed (${connectFailure(globals.db)})`);
      continue;
    }
    if (result.status === 'error') {
      vlogModule('ovsdb_idl').warn(`transaction error: ${result.error}`);
      return fail(`transaction error: ${result.error}`);
    }
    if (result.status === 'not-locked') return fail('transaction error: not locked');
    let text = '';
    for (let output of outputs) {
      for (const [temporary, real] of result.insertedUuids) output = output.split(temporary).join(real);
      if (globals.oneline) text += `${output.replace(/\n$/, '').replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`;
      else text += output;
    }
    process.stdout.write(text);
    if (result.incrementValue !== undefined && !globals.dryRun) {
      const target = result.incrementValue;
      await idl.waitFor(() => {
        const row = idl.rows('Open_vSwitch')[0];
        const current = row?.columns.get('cur_cfg')?.keys[0];
        return typeof current === 'number' && current >= target;
      }).catch(() => undefined);
    }
    return 0;
  }
}

// ovs-vsctl's commands: the Open vSwitch-level ones (init, show, emer-reset,
// bridges including VLAN fake bridges, ports, bonds, interfaces, controllers,
// fail modes, managers) written against VsctlContext, and the table that
// names every command with its argument counts and options. src/cli/vsctl.ts
// looks commands up here; db-commands.ts has the generic database commands.

import type { Atom, Datum } from '../data.js';
import type { VsctlContext, BridgeInfo } from './context.js';
import {
  cmdAdd, cmdClear, cmdCreate, cmdDestroy, cmdFind, cmdGet, cmdList, cmdRemove, cmdSet, cmdWaitUntil, getColumn,
} from './db-commands.js';
import { datumToString, parseDatumText, VsctlError } from './values.js';

export interface CommandSpec {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Command options it accepts, e.g. "--may-exist". */
  readonly options: readonly string[];
  /** Read-only commands never make the transaction bump next_cfg. */
  readonly run: (ctx: VsctlContext) => void;
}

// -- helpers -----------------------------------------------------------------------

function sortedLines(ctx: VsctlContext, names: Iterable<string>): void {
  for (const name of [...names].sort()) ctx.print(`${name}\n`);
}

function insertInterface(ctx: VsctlContext, name: string): string {
  const iface = ctx.txn.insert('Interface');
  ctx.set('Interface', iface, 'name', { keys: [name] });
  return iface;
}

function insertPort(ctx: VsctlContext, name: string, ifaces: string[]): string {
  const port = ctx.txn.insert('Port');
  ctx.set('Port', port, 'name', { keys: [name] });
  ctx.set('Port', port, 'interfaces', { keys: ifaces });
  return port;
}

/** Applies "COLUMN[:KEY]=VALUE" settings given to add-port/add-bond/add-br to a new row. */
function applySettings(ctx: VsctlContext, table: string, uuid: string, settings: string[]): void {
  const saved = ctx.command;
  try {
    ctx.command = { name: 'set', options: new Map(), args: [table, uuid, ...settings] };
    cmdSet(ctx);
  } finally {
    ctx.command = saved;
  }
}

function deletePort(ctx: VsctlContext, portUuid: string, bridge: BridgeInfo): void {
  ctx.removeRef('Bridge', bridge.uuid, 'ports', portUuid);
  for (const iface of ctx.refs('Port', portUuid, 'interfaces')) ctx.txn.delete('Interface', iface);
  ctx.txn.delete('Port', portUuid);
  ctx.invalidate();
}

/** Refuses a name already used by a bridge, port or interface, with `what` ("cannot create a port named p1"). */
function checkConflicts(ctx: VsctlContext, name: string, what: string): void {
  const view = ctx.view();
  if (view.bridges.has(name)) throw new VsctlError(`${what} because a bridge named ${name} already exists`);
  const port = view.ports.get(name);
  if (port) throw new VsctlError(`${what} because a port named ${name} already exists on bridge ${port.bridge.name}`);
  const iface = view.ifaces.get(name);
  if (iface) throw new VsctlError(`${what} because an interface named ${name} already exists on bridge ${iface.port.bridge.name}`);
}

// -- Open vSwitch-level commands --------------------------------------------------

function cmdInit(ctx: VsctlContext): void {
  if (ctx.txn.rows('Open_vSwitch').length === 0) ctx.txn.insert('Open_vSwitch');
}

/** Columns `show` prints per table: the naming column, then the rest (references recurse). */
const SHOW: Record<string, { name: string | null; columns: string[] }> = {
  Open_vSwitch: { name: null, columns: ['manager_options', 'bridges', 'ovs_version'] },
  Bridge: { name: 'name', columns: ['controller', 'fail_mode', 'datapath_type', 'ports'] },
  Port: { name: 'name', columns: ['tag', 'trunks', 'interfaces'] },
  Interface: { name: 'name', columns: ['type', 'options', 'error'] },
  Controller: { name: 'target', columns: ['is_connected'] },
  Manager: { name: 'target', columns: ['is_connected'] },
};

function isDefault(datum: Datum, table: string, column: string, ctx: VsctlContext): boolean {
  const type = ctx.type(table, column);
  if (type.min === 0) return datum.keys.length === 0;
  const atom = datum.keys[0] as Atom;
  return atom === '' || atom === 0 || atom === false;
}

function showRow(ctx: VsctlContext, table: string, uuid: string, level: number, seen: Set<string>): void {
  const spec = SHOW[table];
  if (!spec) return;
  const indent = ' '.repeat(level * 4);
  if (spec.name === null) ctx.print(`${indent}${uuid}\n`);
  else ctx.print(`${indent}${table} ${datumToString(ctx.get(table, uuid, spec.name), ctx.type(table, spec.name))}\n`);
  seen.add(uuid);
  for (const column of spec.columns) {
    const type = ctx.type(table, column);
    if (!type) continue;
    const datum = ctx.get(table, uuid, column);
    const ref = type.key.refTable;
    if (ref && SHOW[ref]) {
      for (const target of datum.keys as string[]) {
        if (ctx.txn.row(ref, target) && !seen.has(target)) showRow(ctx, ref, target, level + 1, seen);
      }
      continue;
    }
    if (isDefault(datum, table, column, ctx)) continue;
    ctx.print(`${indent}    ${column}: ${datumToString(datum, type)}\n`);
  }
}

function cmdShow(ctx: VsctlContext): void {
  for (const row of ctx.txn.rows('Open_vSwitch')) showRow(ctx, 'Open_vSwitch', row.uuid, 0, new Set());
}

function cmdEmerReset(ctx: VsctlContext): void {
  const ovs = ctx.ovs();
  const clear = (table: string, uuid: string, column: string): void => {
    const type = ctx.type(table, column);
    ctx.set(table, uuid, column, type.value ? { keys: [], values: [] } : { keys: [] });
  };
  clear('Open_vSwitch', ovs, 'manager_options');
  clear('Open_vSwitch', ovs, 'ssl');
  for (const bridge of ctx.txn.rows('Bridge')) {
    for (const column of ['controller', 'fail_mode', 'mirrors', 'netflow', 'sflow', 'ipfix', 'flood_vlans']) {
      clear('Bridge', bridge.uuid, column);
    }
    const other = ctx.get('Bridge', bridge.uuid, 'other_config');
    const at = other.keys.indexOf('hwaddr');
    ctx.set('Bridge', bridge.uuid, 'other_config', at < 0 ? { keys: [], values: [] } : { keys: ['hwaddr'], values: [(other.values as Atom[])[at] as Atom] });
  }
  for (const port of ctx.txn.rows('Port')) clear('Port', port.uuid, 'other_config');
  for (const iface of ctx.txn.rows('Interface')) {
    ctx.set('Interface', iface.uuid, 'ingress_policing_rate', { keys: [0] });
    ctx.set('Interface', iface.uuid, 'ingress_policing_burst', { keys: [0] });
  }
  ctx.invalidate();
}

function cmdAddBr(ctx: VsctlContext): void {
  const [name, parentName, vlanText] = ctx.command.args as [string, string | undefined, string | undefined];
  if (parentName !== undefined && vlanText === undefined) throw new VsctlError('\'add-br\' command requires exactly 1 or 3 arguments');
  const vlan = vlanText === undefined ? 0 : Number(vlanText);
  if (vlanText !== undefined && (!/^-?\d+$/.test(vlanText) || vlan < 0 || vlan > 4095)) {
    throw new VsctlError(`add-br: vlan must be between 0 and 4095`);
  }
  const existing = ctx.findBridge(name, false);
  if (existing) {
    if (!ctx.has('--may-exist')) throw new VsctlError(`cannot create a bridge named ${name} because a bridge named ${name} already exists`);
    const command = `"--may-exist add-br ${ctx.command.args.join(' ')}"`;
    if (parentName === undefined) {
      if (existing.parent) throw new VsctlError(`${command} but ${name} is a VLAN bridge for VLAN ${existing.vlan}`);
    } else {
      if (!existing.parent) throw new VsctlError(`${command} but ${name} is not a VLAN bridge`);
      if (existing.parent.name !== parentName) throw new VsctlError(`${command} but ${name} has the wrong parent ${existing.parent.name}`);
      if (existing.vlan !== vlan) throw new VsctlError(`${command} but ${name} is a VLAN bridge for the wrong VLAN ${existing.vlan}`);
    }
    return;
  }
  checkConflicts(ctx, name, `cannot create a bridge named ${name}`);
  const iface = insertInterface(ctx, name);
  ctx.set('Interface', iface, 'type', { keys: ['internal'] });
  const port = insertPort(ctx, name, [iface]);
  if (parentName === undefined) {
    const bridge = ctx.txn.insert('Bridge');
    ctx.set('Bridge', bridge, 'name', { keys: [name] });
    ctx.set('Bridge', bridge, 'ports', { keys: [port] });
    ctx.addRef('Open_vSwitch', ctx.ovs(), 'bridges', bridge);
  } else {
    const parent = ctx.view().bridges.get(parentName);
    if (!parent) throw new VsctlError(`parent bridge ${parentName} does not exist`);
    if (parent.parent) throw new VsctlError(`cannot create bridge with fake bridge as parent`);
    ctx.set('Port', port, 'fake_bridge', { keys: [true] });
    ctx.set('Port', port, 'tag', { keys: [vlan] });
    ctx.addRef('Bridge', parent.uuid, 'ports', port);
  }
  ctx.invalidate();
}

function cmdDelBr(ctx: VsctlContext): void {
  const name = ctx.command.args[0] as string;
  const bridge = ctx.findBridge(name, !ctx.has('--if-exists'));
  if (!bridge) return;
  const view = ctx.view();
  if (bridge.parent) {
    for (const port of view.ports.values()) if (port.bridge === bridge) deletePort(ctx, port.uuid, bridge);
    return;
  }
  for (const port of view.ports.values()) {
    if (port.bridge === bridge || port.bridge.parent === bridge) {
      for (const iface of ctx.refs('Port', port.uuid, 'interfaces')) ctx.txn.delete('Interface', iface);
      ctx.txn.delete('Port', port.uuid);
    }
  }
  ctx.removeRef('Open_vSwitch', ctx.ovs(), 'bridges', bridge.uuid);
  ctx.txn.delete('Bridge', bridge.uuid);
  ctx.invalidate();
}

function cmdListBr(ctx: VsctlContext): void {
  const bridges = [...ctx.view().bridges.values()];
  const real = ctx.has('--real');
  const fake = ctx.has('--fake');
  sortedLines(ctx, bridges.filter((b) => (real ? !b.parent : fake ? b.parent : true)).map((b) => b.name));
}

function cmdBrExists(ctx: VsctlContext): void {
  if (!ctx.findBridge(ctx.command.args[0] as string, false)) throw new BrExistsFailure();
}

/** br-exists exits with status 2 and prints nothing when the bridge is missing. */
export class BrExistsFailure extends Error {}

function cmdBrToVlan(ctx: VsctlContext): void {
  ctx.print(`${ctx.findBridge(ctx.command.args[0] as string, true)?.vlan}\n`);
}

function cmdBrToParent(ctx: VsctlContext): void {
  const bridge = ctx.findBridge(ctx.command.args[0] as string, true) as BridgeInfo;
  ctx.print(`${(bridge.parent ?? bridge).name}\n`);
}

/** Where a bridge keeps external ids: its Bridge row, or for a fake bridge its Port with a "fake-bridge-" prefix. */
function externalIdsHome(bridge: BridgeInfo): { table: string; uuid: string; prefix: string } {
  return bridge.parent ? { table: 'Port', uuid: bridge.fakePort as string, prefix: 'fake-bridge-' } : { table: 'Bridge', uuid: bridge.uuid, prefix: '' };
}

function cmdBrSetExternalId(ctx: VsctlContext): void {
  const [name, key, value] = ctx.command.args as [string, string, string | undefined];
  const bridge = ctx.findBridge(name, true) as BridgeInfo;
  const home = externalIdsHome(bridge);
  const old = ctx.get(home.table, home.uuid, 'external_ids');
  const keys = (old.keys as string[]).filter((k) => k !== home.prefix + key);
  const values = (old.values as string[]).filter((_, i) => old.keys[i] !== home.prefix + key);
  if (value !== undefined) {
    keys.push(home.prefix + key);
    values.push(value);
  }
  const order = keys.map((_, i) => i).sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : 1));
  ctx.txn.verify(home.table, home.uuid, 'external_ids');
  ctx.set(home.table, home.uuid, 'external_ids', { keys: order.map((i) => keys[i] as string), values: order.map((i) => values[i] as string) });
}

function cmdBrGetExternalId(ctx: VsctlContext): void {
  const [name, key] = ctx.command.args as [string, string | undefined];
  const bridge = ctx.findBridge(name, true) as BridgeInfo;
  const home = externalIdsHome(bridge);
  const ids = ctx.get(home.table, home.uuid, 'external_ids');
  ids.keys.forEach((k, i) => {
    const text = String(k);
    if (!text.startsWith(home.prefix)) return;
    const bare = text.slice(home.prefix.length);
    const value = String((ids.values as Atom[])[i]);
    if (key === undefined) ctx.print(`${bare}=${value}\n`);
    else if (bare === key) ctx.print(`${value}\n`);
  });
}

function cmdListPorts(ctx: VsctlContext): void {
  const bridge = ctx.findBridge(ctx.command.args[0] as string, true) as BridgeInfo;
  sortedLines(ctx, [...ctx.view().ports.values()].filter((p) => p.bridge === bridge && p.name !== bridge.name).map((p) => p.name));
}

function addPort(ctx: VsctlContext, bridgeName: string, portName: string, ifaceNames: string[], settings: string[], fakeIface: boolean): void {
  const existing = ctx.findPort(portName, false);
  if (existing && ctx.has('--may-exist')) {
    const command = `"--may-exist ${ctx.command.name} ${ctx.command.args.join(' ')}"`;
    if (existing.bridge.name !== bridgeName) {
      throw new VsctlError(`${command} but ${portName} is actually attached to bridge ${existing.bridge.name}`);
    }
    const have = ctx.refs('Port', existing.uuid, 'interfaces').map((uuid) => ctx.str('Interface', uuid, 'name')).sort();
    if (have.join(',') !== [...ifaceNames].sort().join(',')) {
      throw new VsctlError(`${command} but ${portName} actually has interface(s) ${have.join(', ')}`);
    }
    return;
  }
  const bridge = ctx.findBridge(bridgeName, true) as BridgeInfo;
  checkConflicts(ctx, portName, `cannot create a port named ${portName}`);
  for (const ifaceName of ifaceNames) checkConflicts(ctx, ifaceName, `cannot create an interface named ${ifaceName}`);
  const ifaces = ifaceNames.map((name) => insertInterface(ctx, name));
  const port = insertPort(ctx, portName, ifaces);
  if (fakeIface) ctx.set('Port', port, 'bond_fake_iface', { keys: [true] });
  if (bridge.parent) ctx.set('Port', port, 'tag', { keys: [bridge.vlan] });
  applySettings(ctx, 'Port', port, settings);
  ctx.addRef('Bridge', bridge.uuid, 'ports', port);
  ctx.invalidate();
}

function cmdAddPort(ctx: VsctlContext): void {
  const [bridge, port, ...settings] = ctx.command.args as [string, string, ...string[]];
  addPort(ctx, bridge, port, [port], settings, false);
}

function cmdAddBond(ctx: VsctlContext): void {
  const [bridge, port, ...rest] = ctx.command.args as [string, string, ...string[]];
  const ifaces = rest.filter((arg) => !arg.includes('='));
  const settings = rest.filter((arg) => arg.includes('='));
  if (ifaces.length < 2) {
    throw new VsctlError(`add-bond requires at least 2 interfaces, but only ${ifaces.length} were specified`);
  }
  addPort(ctx, bridge, port, ifaces, settings, ctx.has('--fake-iface'));
}

function cmdDelPort(ctx: VsctlContext): void {
  const args = ctx.command.args;
  const target = args[args.length - 1] as string;
  const bridge = args.length === 2 ? ctx.findBridge(args[0] as string, true) : undefined;
  let port = ctx.findPort(target, false);
  if (!port && ctx.has('--with-iface')) port = ctx.findIface(target, false)?.port;
  if (!port) {
    if (ctx.has('--if-exists')) return;
    throw new VsctlError(ctx.has('--with-iface') ? `no port or interface named ${target}` : `no port named ${target}`);
  }
  if (ctx.view().bridges.has(port.name)) {
    throw new VsctlError(`cannot delete port ${port.name} because it is the local port for bridge ${port.name} (deleting this port requires deleting the entire bridge)`);
  }
  if (bridge && port.bridge !== bridge) {
    if (port.bridge.parent === bridge) {
      throw new VsctlError(`bridge ${bridge.name} does not have a port ${target} (although its child bridge ${port.bridge.name} does)`);
    }
    throw new VsctlError(`bridge ${bridge.name} does not have a port ${target}`);
  }
  deletePort(ctx, port.uuid, port.bridge.parent ?? port.bridge);
}

function cmdPortToBr(ctx: VsctlContext): void {
  ctx.print(`${ctx.findPort(ctx.command.args[0] as string, true)?.bridge.name}\n`);
}

function cmdListIfaces(ctx: VsctlContext): void {
  const bridge = ctx.findBridge(ctx.command.args[0] as string, true) as BridgeInfo;
  sortedLines(ctx, [...ctx.view().ifaces.values()].filter((i) => i.port.bridge === bridge && i.name !== bridge.name).map((i) => i.name));
}

function cmdIfaceToBr(ctx: VsctlContext): void {
  ctx.print(`${ctx.findIface(ctx.command.args[0] as string, true)?.port.bridge.name}\n`);
}

function realBridge(ctx: VsctlContext): BridgeInfo {
  const bridge = ctx.findBridge(ctx.command.args[0] as string, true) as BridgeInfo;
  return bridge.parent ?? bridge;
}

/** set-/del-controller and set-/del-fail-mode refuse a fake bridge; the get commands read its parent. */
function onlyRealBridge(ctx: VsctlContext): BridgeInfo {
  return ctx.findRealBridge(ctx.command.args[0] as string, true) as BridgeInfo;
}

function cmdGetController(ctx: VsctlContext): void {
  const bridge = realBridge(ctx);
  sortedLines(ctx, ctx.refs('Bridge', bridge.uuid, 'controller').map((uuid) => ctx.str('Controller', uuid, 'target')));
}

function cmdDelController(ctx: VsctlContext): void {
  const bridge = onlyRealBridge(ctx);
  ctx.txn.verify('Bridge', bridge.uuid, 'controller');
  for (const uuid of ctx.refs('Bridge', bridge.uuid, 'controller')) ctx.txn.delete('Controller', uuid);
  ctx.set('Bridge', bridge.uuid, 'controller', { keys: [] });
}

function cmdSetController(ctx: VsctlContext): void {
  const bridge = onlyRealBridge(ctx);
  cmdDelController(ctx);
  const controllers = ctx.command.args.slice(1).map((target) => {
    const uuid = ctx.txn.insert('Controller');
    ctx.set('Controller', uuid, 'target', { keys: [target] });
    return uuid;
  });
  ctx.set('Bridge', bridge.uuid, 'controller', { keys: controllers.sort() });
}

function cmdGetFailMode(ctx: VsctlContext): void {
  const mode = ctx.atom('Bridge', realBridge(ctx).uuid, 'fail_mode');
  if (mode !== undefined) ctx.print(`${String(mode)}\n`);
}

function cmdDelFailMode(ctx: VsctlContext): void {
  ctx.set('Bridge', onlyRealBridge(ctx).uuid, 'fail_mode', { keys: [] });
}

function cmdSetFailMode(ctx: VsctlContext): void {
  const bridge = onlyRealBridge(ctx);
  const mode = ctx.command.args[1] as string;
  if (mode !== 'standalone' && mode !== 'secure') throw new VsctlError('fail-mode must be "standalone" or "secure"');
  ctx.set('Bridge', bridge.uuid, 'fail_mode', { keys: [mode] });
}

function cmdGetManager(ctx: VsctlContext): void {
  sortedLines(ctx, ctx.refs('Open_vSwitch', ctx.ovs(), 'manager_options').map((uuid) => ctx.str('Manager', uuid, 'target')));
}

function cmdDelManager(ctx: VsctlContext): void {
  const ovs = ctx.ovs();
  ctx.txn.verify('Open_vSwitch', ovs, 'manager_options');
  for (const uuid of ctx.refs('Open_vSwitch', ovs, 'manager_options')) ctx.txn.delete('Manager', uuid);
  ctx.set('Open_vSwitch', ovs, 'manager_options', { keys: [] });
}

function cmdSetManager(ctx: VsctlContext): void {
  cmdDelManager(ctx);
  const probe = ctx.command.options.get('--inactivity-probe');
  const managers = ctx.command.args.map((target) => {
    const uuid = ctx.txn.insert('Manager');
    ctx.set('Manager', uuid, 'target', { keys: [target] });
    if (probe !== undefined) ctx.set('Manager', uuid, 'inactivity_probe', parseDatumText(probe, ctx.type('Manager', 'inactivity_probe')));
    return uuid;
  });
  ctx.set('Open_vSwitch', ctx.ovs(), 'manager_options', { keys: managers.sort() });
}

function cmdGetSsl(ctx: VsctlContext): void {
  const ssl = ctx.refs('Open_vSwitch', ctx.ovs(), 'ssl')[0];
  if (!ssl || !ctx.txn.row('SSL', ssl)) return;
  ctx.print(`Private key: ${ctx.str('SSL', ssl, 'private_key')}\n`);
  ctx.print(`Certificate: ${ctx.str('SSL', ssl, 'certificate')}\n`);
  ctx.print(`CA Certificate: ${ctx.str('SSL', ssl, 'ca_cert')}\n`);
  ctx.print(`Bootstrap: ${ctx.atom('SSL', ssl, 'bootstrap_ca_cert') === true}\n`);
}

function cmdDelSsl(ctx: VsctlContext): void {
  const ovs = ctx.ovs();
  ctx.txn.verify('Open_vSwitch', ovs, 'ssl');
  for (const ssl of ctx.refs('Open_vSwitch', ovs, 'ssl')) ctx.txn.delete('SSL', ssl);
  ctx.set('Open_vSwitch', ovs, 'ssl', { keys: [] });
}

function cmdSetSsl(ctx: VsctlContext): void {
  const [privateKey, certificate, caCert] = ctx.command.args as [string, string, string];
  cmdDelSsl(ctx);
  const ssl = ctx.txn.insert('SSL');
  ctx.set('SSL', ssl, 'private_key', { keys: [privateKey] });
  ctx.set('SSL', ssl, 'certificate', { keys: [certificate] });
  ctx.set('SSL', ssl, 'ca_cert', { keys: [caCert] });
  ctx.set('SSL', ssl, 'bootstrap_ca_cert', { keys: [ctx.has('--bootstrap')] });
  ctx.set('Open_vSwitch', ctx.ovs(), 'ssl', { keys: [ssl] });
}

/** comment ARG...: recorded with the transaction in the database log. */
function cmdComment(ctx: VsctlContext): void {
  ctx.txn.addComment(ctx.command.args.join(' '));
}

// -- the command table ----
// TODO(#4): add-aa-mapping/del-aa-mapping/get-aa-mapping and the --pretty and
// html output formats.------------------------------------------------------------

const spec = (name: string, minArgs: number, maxArgs: number, options: string[], run: (ctx: VsctlContext) => void): CommandSpec =>
  ({ name, minArgs, maxArgs, options, run });

export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map([
  spec('init', 0, 0, [], cmdInit),
  spec('show', 0, 0, [], cmdShow),
  spec('emer-reset', 0, 0, [], cmdEmerReset),
  spec('add-br', 1, 3, ['--may-exist'], cmdAddBr),
  spec('del-br', 1, 1, ['--if-exists'], cmdDelBr),
  spec('list-br', 0, 0, ['--real', '--fake'], cmdListBr),
  spec('br-exists', 1, 1, [], cmdBrExists),
  spec('br-to-vlan', 1, 1, [], cmdBrToVlan),
  spec('br-to-parent', 1, 1, [], cmdBrToParent),
  spec('br-set-external-id', 2, 3, [], cmdBrSetExternalId),
  spec('br-get-external-id', 1, 2, [], cmdBrGetExternalId),
  spec('list-ports', 1, 1, [], cmdListPorts),
  spec('add-port', 2, Infinity, ['--may-exist'], cmdAddPort),
  spec('add-bond', 4, Infinity, ['--may-exist', '--fake-iface'], cmdAddBond),
  spec('del-port', 1, 2, ['--if-exists', '--with-iface'], cmdDelPort),
  spec('port-to-br', 1, 1, [], cmdPortToBr),
  spec('list-ifaces', 1, 1, [], cmdListIfaces),
  spec('iface-to-br', 1, 1, [], cmdIfaceToBr),
  spec('get-controller', 1, 1, [], cmdGetController),
  spec('del-controller', 1, 1, [], cmdDelController),
  spec('set-controller', 1, Infinity, [], cmdSetController),
  spec('get-fail-mode', 1, 1, [], cmdGetFailMode),
  spec('del-fail-mode', 1, 1, [], cmdDelFailMode),
  spec('set-fail-mode', 2, 2, [], cmdSetFailMode),
  spec('get-manager', 0, 0, [], cmdGetManager),
  spec('del-manager', 0, 0, [], cmdDelManager),
  spec('set-manager', 1, Infinity, ['--inactivity-probe'], cmdSetManager),
  spec('get-ssl', 0, 0, [], cmdGetSsl),
  spec('del-ssl', 0, 0, [], cmdDelSsl),
  spec('set-ssl', 3, 3, ['--bootstrap'], cmdSetSsl),
  spec('comment', 0, Infinity, [], cmdComment),
  spec('list', 1, Infinity, ['--if-exists', '--columns'], cmdList),
  spec('find', 1, Infinity, ['--columns'], cmdFind),
  spec('get', 2, Infinity, ['--if-exists', '--id'], cmdGet),
  spec('set', 3, Infinity, ['--if-exists'], cmdSet),
  spec('add', 4, Infinity, ['--if-exists'], cmdAdd),
  spec('remove', 4, Infinity, ['--if-exists'], cmdRemove),
  spec('clear', 3, Infinity, ['--if-exists'], cmdClear),
  spec('create', 2, Infinity, ['--id'], cmdCreate),
  spec('destroy', 1, Infinity, ['--if-exists', '--all'], cmdDestroy),
  spec('wait-until', 2, Infinity, [], cmdWaitUntil),
].map((command) => [command.name, command]));


export { getColumn };

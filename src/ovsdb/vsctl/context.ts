// The state one ovs-vsctl command runs against: the transaction (replica plus
// the edits of earlier commands in the same invocation), the output buffer,
// the --id=@name symbols, and the bridge/port/interface view that the
// vswitch-level commands share (real bridges, VLAN "fake" bridges and which
// bridge each port and interface belongs to). Built by src/cli/vsctl.ts.

import type { Atom, Datum } from '../data.js';
import type { IdlTransaction } from '../idl/transaction.js';
import type { ColumnType, DatabaseSchema, TableSchema } from '../schema.js';
import { VsctlError, type FormatOptions } from './values.js';

export interface VsctlCommand {
  readonly name: string;
  /** Command options such as --may-exist, --if-exists, --id=@x, --columns=a,b. */
  readonly options: Map<string, string | undefined>;
  readonly args: string[];
}

export interface VsctlSymbol {
  uuid: string;
  /** Set by --id=@name on create (or get); a symbol only referenced is an error at the end. */
  created: boolean;
}

export interface BridgeInfo {
  readonly name: string;
  /** The Bridge row (for a fake bridge: its parent's). */
  readonly uuid: string;
  readonly parent: BridgeInfo | null;
  readonly vlan: number;
  /** For a fake bridge: its own Port row. */
  readonly fakePort: string | null;
}

export interface PortInfo {
  readonly name: string;
  readonly uuid: string;
  readonly bridge: BridgeInfo;
}

export interface IfaceInfo {
  readonly name: string;
  readonly uuid: string;
  readonly port: PortInfo;
}

export class VsctlContext {
  readonly txn: IdlTransaction;
  readonly schema: DatabaseSchema;
  readonly symbols: Map<string, VsctlSymbol>;
  readonly format: FormatOptions;
  command: VsctlCommand = { name: '', options: new Map(), args: [] };
  output = '';
  /** Set by wait-until when its condition does not hold yet. */
  tryAgain = false;
  /** Warnings to log (vlog module, text). */
  readonly warnings: [string, string][] = [];

  constructor(txn: IdlTransaction, schema: DatabaseSchema, symbols: Map<string, VsctlSymbol>, format: FormatOptions) {
    this.txn = txn;
    this.schema = schema;
    this.symbols = symbols;
    this.format = format;
  }

  has(option: string): boolean {
    return this.command.options.has(option);
  }

  print(text: string): void {
    this.output += text;
  }

  table(name: string): TableSchema {
    return this.schema.tables.get(name) as TableSchema;
  }

  type(table: string, column: string): ColumnType {
    return this.table(table).columns.get(column)?.type as ColumnType;
  }

  get(table: string, uuid: string, column: string): Datum {
    return this.txn.get(table, uuid, column);
  }

  /** A scalar or optional column's one value, or undefined. */
  atom(table: string, uuid: string, column: string): Atom | undefined {
    return this.get(table, uuid, column).keys[0];
  }

  str(table: string, uuid: string, column: string): string {
    return String(this.atom(table, uuid, column) ?? '');
  }

  refs(table: string, uuid: string, column: string): string[] {
    return this.get(table, uuid, column).keys as string[];
  }

  set(table: string, uuid: string, column: string, value: Datum): void {
    this.txn.write(table, uuid, column, value);
  }

  /** Adds or removes `ref` in a set column, verifying the column first. */
  addRef(table: string, uuid: string, column: string, ref: string): void {
    this.txn.verify(table, uuid, column);
    const old = this.refs(table, uuid, column);
    if (!old.includes(ref)) this.set(table, uuid, column, { keys: [...old, ref].sort() });
  }

  removeRef(table: string, uuid: string, column: string, ref: string): void {
    this.txn.verify(table, uuid, column);
    this.set(table, uuid, column, { keys: this.refs(table, uuid, column).filter((r) => r !== ref) });
  }

  /** The one Open_vSwitch row. */
  ovs(): string {
    const row = this.txn.rows('Open_vSwitch')[0];
    if (!row) throw new VsctlError('database not initialized (run "ovs-vsctl init")');
    return row.uuid;
  }

  // -- the bridge view ---------------------------------------------------------------

  private cache_: { bridges: Map<string, BridgeInfo>; ports: Map<string, PortInfo>; ifaces: Map<string, IfaceInfo> } | null = null;

  invalidate(): void {
    this.cache_ = null;
  }

  view(): { bridges: Map<string, BridgeInfo>; ports: Map<string, PortInfo>; ifaces: Map<string, IfaceInfo> } {
    if (this.cache_) return this.cache_;
    const bridges = new Map<string, BridgeInfo>();
    const ports = new Map<string, PortInfo>();
    const ifaces = new Map<string, IfaceInfo>();
    for (const bridgeUuid of this.refs('Open_vSwitch', this.ovs(), 'bridges')) {
      if (!this.txn.row('Bridge', bridgeUuid)) continue;
      const name = this.str('Bridge', bridgeUuid, 'name');
      if (bridges.has(name)) continue;
      const bridge: BridgeInfo = { name, uuid: bridgeUuid, parent: null, vlan: 0, fakePort: null };
      bridges.set(name, bridge);
      const portUuids = this.refs('Bridge', bridgeUuid, 'ports').filter((uuid) => this.txn.row('Port', uuid));
      for (const portUuid of portUuids) {
        const fake = this.atom('Port', portUuid, 'fake_bridge') === true;
        const tag = this.atom('Port', portUuid, 'tag');
        const portName = this.str('Port', portUuid, 'name');
        if (fake && typeof tag === 'number' && tag >= 0 && tag <= 4095 && !bridges.has(portName)) {
          bridges.set(portName, { name: portName, uuid: bridgeUuid, parent: bridge, vlan: tag, fakePort: portUuid });
        }
      }
      for (const portUuid of portUuids) {
        const portName = this.str('Port', portUuid, 'name');
        if (ports.has(portName)) continue;
        const tag = this.atom('Port', portUuid, 'tag');
        let owner = bridge;
        for (const candidate of bridges.values()) {
          if (candidate.parent === bridge && (candidate.fakePort === portUuid || (typeof tag === 'number' && candidate.vlan === tag))) {
            owner = candidate;
            if (candidate.fakePort === portUuid) break;
          }
        }
        const port: PortInfo = { name: portName, uuid: portUuid, bridge: owner };
        ports.set(portName, port);
        for (const ifaceUuid of this.refs('Port', portUuid, 'interfaces')) {
          if (!this.txn.row('Interface', ifaceUuid)) continue;
          const ifaceName = this.str('Interface', ifaceUuid, 'name');
          if (!ifaces.has(ifaceName)) ifaces.set(ifaceName, { name: ifaceName, uuid: ifaceUuid, port });
        }
      }
    }
    this.cache_ = { bridges, ports, ifaces };
    return this.cache_;
  }

  findBridge(name: string, mustExist: boolean): BridgeInfo | undefined {
    const bridge = this.view().bridges.get(name);
    if (!bridge && mustExist) throw new VsctlError(`no bridge named ${name}`);
    return bridge;
  }

  findRealBridge(name: string, mustExist: boolean): BridgeInfo | undefined {
    const bridge = this.findBridge(name, mustExist);
    if (bridge?.parent) throw new VsctlError(`${name} is a fake bridge`);
    return bridge;
  }

  findPort(name: string, mustExist: boolean): PortInfo | undefined {
    const port = this.view().ports.get(name);
    if (!port && mustExist) throw new VsctlError(`no port named ${name}`);
    return port;
  }

  findIface(name: string, mustExist: boolean): IfaceInfo | undefined {
    const iface = this.view().ifaces.get(name);
    if (!iface && mustExist) throw new VsctlError(`no interface named ${name}`);
    return iface;
  }
}

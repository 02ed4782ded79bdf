// The directories Open vSwitch programs use, read from the same environment
// variables (OVS_RUNDIR, OVS_LOGDIR, OVS_DBDIR, OVS_SYSCONFDIR, OVS_PKGDATADIR,
// OVS_BINDIR) so that scripts and the real OVS tools find our files. Read at
// each call, because tests and daemons set them after start-up.
//
// Defaults differ from Open vSwitch's on purpose (/var/run/ovs-ts, /var/log/ovs-ts,
// /etc/ovs-ts, /usr/share/ovs-ts): ovs-ts never collides with a real OVS on the
// same machine unless the environment says so.

import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function fromEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Pidfiles and unixctl sockets: $OVS_RUNDIR, else /var/run/ovs-ts. */
export function ovsRundir(): string {
  return fromEnv('OVS_RUNDIR') ?? '/var/run/ovs-ts';
}

/** Log files: $OVS_LOGDIR, else /var/log/ovs-ts. */
export function ovsLogdir(): string {
  return fromEnv('OVS_LOGDIR') ?? '/var/log/ovs-ts';
}

/** $OVS_SYSCONFDIR, else /etc (as in OVS). */
export function ovsSysconfdir(): string {
  return fromEnv('OVS_SYSCONFDIR') ?? '/etc';
}

/**
 * Databases: $OVS_DBDIR; else $OVS_SYSCONFDIR/openvswitch when OVS_SYSCONFDIR
 * is set (OVS's rule, so a shared sandbox finds the same conf.db); else /etc/ovs-ts.
 */
export function ovsDbdir(): string {
  const dbdir = fromEnv('OVS_DBDIR');
  if (dbdir !== undefined) return dbdir;
  const sysconfdir = fromEnv('OVS_SYSCONFDIR');
  return sysconfdir !== undefined ? join(sysconfdir, 'openvswitch') : '/etc/ovs-ts';
}

/** Schemas and other read-only data: $OVS_PKGDATADIR, else /usr/share/ovs-ts. */
export function ovsPkgdatadir(): string {
  return fromEnv('OVS_PKGDATADIR') ?? '/usr/share/ovs-ts';
}

/** Programs: $OVS_BINDIR, else the directory holding the `ovs-ts` launcher of this package. */
export function ovsBindir(): string {
  return fromEnv('OVS_BINDIR') ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin');
}

/** A file name made absolute against `dir` when it is relative (pidfiles against the run directory). */
export function absFileName(name: string, dir: string): string {
  return isAbsolute(name) ? name : join(dir, name);
}

// Where the Open_vSwitch schema shipped with ovs-ts lives (schemas/
// vswitch.ovsschema at the package root, found from this module's own
// location so it works from a checkout and from an installed package).
// `ovs-ts ovsdb-tool create`, the database server and vswitchd use it when
// no schema is named.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shipped schema file (from dist/src/ovsdb/ or src/ovsdb/, three levels up is the package root). */
export const VSWITCH_SCHEMA_PATH = fileURLToPath(new URL(
  existsSync(fileURLToPath(new URL('../../../schemas/vswitch.ovsschema', import.meta.url)))
    ? '../../../schemas/vswitch.ovsschema'
    : '../../schemas/vswitch.ovsschema',
  import.meta.url,
));

/**
 * The schema used when none is named: $OVS_PKGDATADIR/vswitch.ovsschema when
 * OVS_PKGDATADIR is set (as Open vSwitch's tools look there), else the shipped one.
 */
export function defaultVswitchSchemaPath(): string {
  const pkgdatadir = process.env.OVS_PKGDATADIR;
  return pkgdatadir ? join(pkgdatadir, 'vswitch.ovsschema') : VSWITCH_SCHEMA_PATH;
}

// ovs-ts's version and the `--version` text of every program. The version is
// package.json's, read once at start-up; daemons print "PROGRAM (ovs-ts) VERSION"
// where Open vSwitch prints "PROGRAM (Open vSwitch) 3.1.0".

import { readFileSync } from 'node:fs';

export const OVS_TS_VERSION: string = (JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as { version: string }).version;

/** The first line of `PROGRAM --version` and of the unixctl `version` reply. */
export function versionText(programName: string): string {
  return `${programName} (ovs-ts) ${OVS_TS_VERSION}`;
}

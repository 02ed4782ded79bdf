// Reading a schema file the way ovsdb-tool and ovsdb-client do, with their
// messages for a missing file, text that is not JSON, and JSON that is not a
// schema. Shared by src/cli/ovsdb-tool.ts and src/cli/ovsdb-client.ts.

import { readFileSync } from 'node:fs';
import { errnoFromName, ovsStrerror } from '../../lib/errno.js';
import { OvsdbError } from '../error.js';
import { parseSchema, type DatabaseSchema } from '../schema.js';
import { parseJsonText } from './json-text.js';

/** strerror()'s text for a Node system error. */
export function strerror(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const errno = code === undefined ? undefined : errnoFromName(code);
  return errno !== undefined ? ovsStrerror(errno) : String((error as Error).message ?? error);
}

/** OVS's text for an OvsdbError: "[syntax "S": ]ERROR: DETAILS", with `context` before the details. */
export function ovsdbErrorText(error: OvsdbError, context?: string): string {
  const syntax = error.syntax === undefined ? '' : `syntax "${error.syntax}": `;
  const details = context === undefined ? error.details : `${context}: ${error.details ?? ''}`;
  return `${syntax}${error.error}${details === undefined ? '' : `: ${details}`}`;
}

/**
 * Reads and parses a schema file. Throws SchemaFileError whose message is the
 * line the tools print after "PROGRAM: ".
 */
export function readSchemaFile(path: string): DatabaseSchema {
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (error) {
    throw new SchemaFileError(`failed to read schema: "${path}" could not be read as JSON (error opening "${path}": ${strerror(error)})`);
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new SchemaFileError(`failed to read schema: "${path}" could not be read as JSON (${parsed.error})`);
  try {
    return parseSchema(parsed.value);
  } catch (error) {
    if (!(error instanceof OvsdbError)) throw error;
    throw new SchemaFileError(ovsdbErrorText(error, `failed to parse "${path}" as ovsdb schema`));
  }
}

/** A schema file that cannot be used; the message is what the tools print. */
export class SchemaFileError extends Error {}

// Runs test/support/ovsdb-storage-writer.ts on a database file and kills it
// with SIGKILL once it has acknowledged at least `minAcks` commits; resolves
// to the highest count it acknowledged. Used by the crash-safety tests in
// src/ovsdb/storage.test.ts and test/interop/ovsdb-storage.test.ts.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WRITER = fileURLToPath(new URL('./ovsdb-storage-writer.js', import.meta.url));

export function crashWriter(path: string, minAcks: number, compactMinRecords?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = [WRITER, path, ...(compactMinRecords === undefined ? [] : [String(compactMinRecords)])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let acked = 0;
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() as string;
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match) acked = Number(match[1]);
      }
      if (acked >= minAcks && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

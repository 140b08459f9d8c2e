import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * mkdir -p for folders this service owns (never the user's): every level it creates gets `mode`
 * whatever the umask says, so the `postgres` user can pass through.
 */
export function ensureDirectory(dir: string, mode: number): void {
  if (existsSync(dir)) return;
  ensureDirectory(path.dirname(dir), mode);
  mkdirSync(dir);
  chmodSync(dir, mode);
}

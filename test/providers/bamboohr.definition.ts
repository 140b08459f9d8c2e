import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * docs/bamboohr.md's example definition, read from the page itself (its one ```json block), so the
 * test proves the documented input works as written; only baseUrl is pointed at the stand-in.
 */
export function bamboohrExample(): { key: string; name: string; category: string; authTypes: string[]; baseUrl: string; definition: any } {
  const page = readFileSync(path.resolve(__dirname, '../../docs/bamboohr.md'), 'utf8');
  const block = /```json\n([\s\S]*?)\n```/.exec(page);
  if (!block) throw new Error('docs/bamboohr.md has no ```json block');
  return JSON.parse(block[1]);
}

import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a received signature with the expected one in time that depends on neither value.
 * Both are hashed first: timingSafeEqual needs equal lengths, and returning early on a length
 * mismatch would tell an attacker the length of what we expect.
 */
export function constantTimeEqual(received: string | Buffer, expected: string | Buffer): boolean {
  const a = createHash('sha256').update(received).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

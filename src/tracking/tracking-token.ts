import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes: a token nobody can guess or enumerate, as base64url it is 43 characters. */
const TOKEN_BYTES = 32;
export const TOKEN_LENGTH = 43;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newTrackingToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Only this is stored: a leaked table does not hand out working pixel URLs. */
export function hashTrackingToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Checked before anything else touches the token: the length first, so a long path costs nothing. */
export function isWellFormedToken(token: string): boolean {
  return token.length === TOKEN_LENGTH && TOKEN_SHAPE.test(token);
}

import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decodes RFC 4648 base32 (padding and case ignored), as authenticator apps read TOTP secrets. */
export function base32Decode(input: string): Buffer {
  const clean = input.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = BASE32.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${JSON.stringify(ch)}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 30-second time step of a moment. */
export function timeStep(atMs: number = Date.now()): number {
  return Math.floor(atMs / 1000 / 30);
}

/** RFC 6238 TOTP (HMAC-SHA1, 30 s steps) of a raw key at a time step. */
export function totpAt(key: Buffer, step: number, digits = 6): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const bin = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The code an authenticator app shows now for a base32 secret. */
export function totp(secret: string, atMs: number = Date.now()): string {
  return totpAt(base32Decode(secret), timeStep(atMs));
}

/**
 * A code of a time step after `usedStep`: servers refuse a code used once, so a second sign-in
 * within the same 30 s waits for the next step (at most 30 s).
 */
export async function freshTotp(secret: string, usedStep: number): Promise<{ code: string; step: number }> {
  while (timeStep() <= usedStep) await new Promise((r) => setTimeout(r, 500));
  // Not in the last second of a step: the code must still be valid when the server checks it.
  if (30_000 - (Date.now() % 30_000) < 1500) await new Promise((r) => setTimeout(r, 2000));
  const step = timeStep();
  return { code: totpAt(base32Decode(secret), step), step };
}

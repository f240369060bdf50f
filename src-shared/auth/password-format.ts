/**
 * The stored form of a password hash, shared by the desktop (its offline verifiers, the demo's accounts)
 * and the gateway (central accounts), which each compute scrypt with their own Node crypto:
 * `scrypt$N$r$p$salt$hash`, salt and hash in base64 — the parameters stored beside the hash so they can
 * be raised later without breaking old hashes.
 */
export const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

export type ScryptHash = { N: number; r: number; p: number; salt: string; hash: string };

export function formatScrypt(h: ScryptHash): string {
  return `scrypt$${h.N}$${h.r}$${h.p}$${h.salt}$${h.hash}`;
}

/** The parts of a stored hash, or null when it is not one. */
export function parseScrypt(stored: string): ScryptHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0)) return null;
  if (!parts[4] || !parts[5]) return null;
  return { N, r, p, salt: parts[4], hash: parts[5] };
}

/** scrypt's memory need for these parameters, with room (node:crypto's `maxmem`). */
export function scryptMaxmem(h: Pick<ScryptHash, 'N' | 'r'>): number {
  return 256 * h.N * h.r + 1024 * 1024;
}

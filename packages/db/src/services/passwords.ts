import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt is memory-hard; N=2^15, r=8 costs ~32 MiB and ~50 ms per hash on a server core.
const PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: typeof PARAMS): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, params, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$salt$key`, base64: the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * A hasher for one batch of accounts that share a password everybody already knows (the demo county prints it at
 * start-up): each distinct password is hashed once, so those accounts share one salt. Created per batch and dropped
 * with it; accounts created any other way keep a fresh salt each (`hashPassword`).
 */
export function hashOncePerPassword(): (password: string) => Promise<string> {
  const hashes = new Map<string, Promise<string>>();
  return (password) => {
    if (!hashes.has(password)) hashes.set(password, hashPassword(password));
    return hashes.get(password)!;
  };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), {
    ...PARAMS,
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let unknownUserHash: Promise<string> | undefined;
/** Verified against when a username is unknown, so a miss costs the same time as a wrong password. */
export function hashForUnknownUser(): Promise<string> {
  unknownUserHash ??= hashPassword(randomBytes(16).toString('hex'));
  return unknownUserHash;
}

// Letters and digits that cannot be misread on a printed slip (no 0/O, 1/l/I).
const SLIP_LETTERS = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
const SLIP_DIGITS = '23456789';

/**
 * A one-time password an admin hands over (an account slip, a reset): 10 characters from a crypto source, letters and
 * digits both, none that reads as another. Its owner must change it at first sign-in; it is never stored in clear.
 */
export function generateInitialPassword(length = 10): string {
  const alphabet = SLIP_LETTERS + SLIP_DIGITS;
  for (;;) {
    const chars = [...randomBytes(length * 2)].filter((b) => b < 256 - (256 % alphabet.length)).map((b) => alphabet[b % alphabet.length]);
    if (chars.length < length) continue;
    const password = chars.slice(0, length).join('');
    if (/[A-Za-z]/.test(password) && /\d/.test(password)) return password;
  }
}

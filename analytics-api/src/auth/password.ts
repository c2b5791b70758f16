// Password hashing (argon2id, OWASP's recommended 19 MiB / 2 passes, random salt per hash) and
// the password policy. Never logs or returns a password, and never compares hashes by hand.
import { hash, verify } from '@node-rs/argon2';
import { ApiError } from '../errors/catalogue.ts';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when the username is unknown, so a miss costs as long as a wrong password and
// response times do not reveal which usernames exist.
let dummyHash: Promise<string> | null = null;
export function timingDummyHash(): Promise<string> {
  dummyHash ??= hashPassword('tally-timing-equaliser-not-a-password');
  return dummyHash;
}

/** Throws PASSWORD_POLICY unless the password is long, mixed, and not the username. */
export function assertPasswordPolicy(password: string, username: string): void {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const lower = password.toLowerCase();
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new ApiError('PASSWORD_POLICY', `it has ${password.length} characters`, 'password');
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new ApiError('PASSWORD_POLICY', `it is longer than ${MAX_PASSWORD_LENGTH} characters`, 'password');
  if (classes < 3) throw new ApiError('PASSWORD_POLICY', `it uses ${classes} character classes`, 'password');
  if (username && lower.includes(username.toLowerCase()))
    throw new ApiError('PASSWORD_POLICY', 'it contains the username', 'password');
}

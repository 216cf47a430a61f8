/**
 * @module
 * The emulated Koywe's sign-in: `POST /auth/sign-in` with `{ apiKey, secret }` answers a JWT
 * (HS256, signed with a key of this emulator instance) that lives one hour of provider time;
 * every other API call needs it as `Authorization: Bearer <token>`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { randomId } from '../../core/ids.js';

/** Token lifetime in seconds (Koywe: about an hour). */
export const KOYWE_TOKEN_LIFETIME_S = 3600;

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Issues and checks tokens for one set of credentials. */
export class KoyweAuth {
  readonly #key = randomId(32);
  readonly #apiKey: Buffer;
  readonly #secret: Buffer;
  readonly #now: () => number;
  /** Tokens carry the generation they were issued in; {@link revokeAll} starts a new one. */
  #generation = 0;
  /** How many tokens were issued (tests watch that adapters do not sign in per call). */
  issued = 0;

  constructor(apiKey: string, secret: string, now: () => number) {
    this.#apiKey = digest(apiKey);
    this.#secret = digest(secret);
    this.#now = now;
  }

  /** True when both credentials match, compared in constant time over equal-length digests. */
  credentialsMatch(apiKey: string, secret: string): boolean {
    const keyOk = timingSafeEqual(digest(apiKey), this.#apiKey);
    const secretOk = timingSafeEqual(digest(secret), this.#secret);
    return keyOk && secretOk;
  }

  /** A fresh signed token. */
  issue(): string {
    this.issued++;
    const iat = Math.floor(this.#now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        sub: 'merchant',
        gen: this.#generation,
        iat,
        exp: iat + KOYWE_TOKEN_LIFETIME_S,
      }),
    ).toString('base64url');
    return `${header}.${payload}.${this.#sign(`${header}.${payload}`)}`;
  }

  /** True for a token this instance issued that has not expired or been revoked. */
  valid(token: string): boolean {
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const [header = '', payload = '', signature = ''] = parts;
    const expected = Buffer.from(this.#sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        gen?: number;
        exp?: number;
      };
      return (
        typeof claims.exp === 'number' &&
        claims.exp * 1000 > this.#now() &&
        claims.gen === this.#generation
      );
    } catch {
      return false;
    }
  }

  /** Refuses every token issued so far, as if they had all expired. */
  revokeAll(): void {
    this.#generation++;
  }

  #sign(input: string): string {
    return createHmac('sha256', this.#key).update(input).digest('base64url');
  }
}

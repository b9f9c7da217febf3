import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const argon2Async = promisify(argon2);

/** Argon2id cost; stored with every hash, so raising it later re-hashes at the next login. */
export interface Argon2Parameters {
  /** KiB of memory. */
  memory: number;
  passes: number;
  parallelism: number;
}

/** OWASP's first argon2id configuration (m=19 MiB, t=2, p=1). */
const defaultArgon2Parameters: Argon2Parameters = { memory: 19_456, passes: 2, parallelism: 1 };

const phc = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

async function derive(password: string, salt: Buffer, parameters: Argon2Parameters, length: number): Promise<Buffer> {
  return argon2Async('argon2id', { message: password, nonce: salt, tagLength: length, ...parameters });
}

/**
 * Hashes passwords with Argon2id (memory-hard) and a random 16-byte salt per password, in the
 * PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash) so each hash carries its parameters.
 */
export class PasswordHasher {
  constructor(private readonly parameters: Argon2Parameters = defaultArgon2Parameters) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const { memory, passes, parallelism } = this.parameters;
    const tag = await derive(password, salt, this.parameters, 32);
    const b64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');
    return `$argon2id$v=19$m=${memory},t=${passes},p=${parallelism}$${b64(salt)}$${b64(tag)}`;
  }

  /** Constant-time check; false (never an exception) for a malformed stored hash. */
  async verify(stored: string, password: string): Promise<boolean> {
    const match = phc.exec(stored);
    if (!match) return false;
    const [, memory, passes, parallelism, salt, tag] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const expected = Buffer.from(tag, 'base64');
    const actual = await derive(
      password,
      Buffer.from(salt, 'base64'),
      { memory: Number(memory), passes: Number(passes), parallelism: Number(parallelism) },
      expected.length,
    );
    return timingSafeEqual(actual, expected);
  }

  /** Whether a stored hash was made with weaker parameters than the current ones. */
  needsRehash(stored: string): boolean {
    const match = phc.exec(stored);
    if (!match) return true;
    const { memory, passes, parallelism } = this.parameters;
    return Number(match[1]) < memory || Number(match[2]) < passes || Number(match[3]) < parallelism;
  }
}

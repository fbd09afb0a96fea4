import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A file kept in the store: its SHA-256 (the key) and its size in bytes. */
export interface StoredObject {
  sha256: string;
  size: number;
}

/** A file received into a temporary file: hashed and counted while it streamed in. */
export interface Received extends StoredObject {
  /** The temporary file; `keep` moves it into the store, `discard` removes it. */
  path: string;
  discard(): Promise<void>;
}

/** What the store holds under a key, for the orphan sweep and the backup. */
export interface StoredEntry {
  sha256: string;
  size: number;
  modifiedAt: Date;
}

/**
 * Where evidence files live, content-addressed by SHA-256 (so an identical file is kept once): the file system
 * under DATA_DIR (the default) or S3-compatible object storage. A file is put before the database row that refers
 * to it commits; files no row refers to are removed by `sweepOrphanEvidence` after a grace period.
 */
export interface EvidenceStore {
  readonly kind: 'fs' | 's3';
  /** Streams `source` into a temporary file, hashing and counting; beyond `maxBytes` it stops and keeps nothing. */
  receive(source: Readable, maxBytes: number): Promise<Received>;
  /** Keeps a received (or processed) temporary file under its hash; an identical file already kept is reused. */
  keep(file: Received): Promise<StoredObject>;
  /** The bytes of a kept file, or null when the store has none under that hash. */
  get(sha256: string): Promise<Readable | null>;
  has(sha256: string): Promise<boolean>;
  delete(sha256: string): Promise<void>;
  /** Every kept file. */
  list(): AsyncIterable<StoredEntry>;
  /** A new temporary file path (for a processed copy of a received file). */
  tempPath(): string;
  /** Removes temporary files left older than `olderThan` (an upload cut off midway), where the store keeps them itself. */
  sweepTemporary?(olderThan: Date): Promise<number>;
  close(): Promise<void>;
}

/** A file beyond the size limit, noticed while it streamed in. */
export class EvidenceTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`file exceeds ${limit} bytes`);
    this.name = 'EvidenceTooLarge';
  }
}

export const SHA256 = /^[0-9a-f]{64}$/;

export function assertHash(sha256: string): void {
  if (!SHA256.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256.slice(0, 80)}`);
}

/** The key of a file: `ab/cdef…` (the first two hex digits as a folder, so no folder grows huge). */
export const keyOf = (sha256: string): string => {
  assertHash(sha256);
  return `${sha256.slice(0, 2)}/${sha256.slice(2)}`;
};

/** Streams into `dir/<random>.part` while hashing and counting; refuses beyond maxBytes as soon as it is passed. */
export async function receiveInto(dir: string, source: Readable, maxBytes: number): Promise<Received> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new EvidenceTooLarge(maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const discard = () => rm(file, { force: true });
  try {
    await pipeline(source, meter, createWriteStream(file, { flags: 'wx' }));
  } catch (error) {
    await discard();
    throw error;
  }
  // A stream that was cut short (a multipart part over its limit) ends without an error: it says so itself.
  if ((source as { truncated?: boolean }).truncated) {
    await discard();
    throw new EvidenceTooLarge(maxBytes);
  }
  return { path: file, sha256: hash.digest('hex'), size, discard };
}

/** Hashes and counts a file already on disk (a processed image), as a Received. */
export async function receivedFile(file: string): Promise<Received> {
  const { createReadStream } = await import('node:fs');
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    size += chunk.length;
    hash.update(chunk);
  }
  return { path: file, sha256: hash.digest('hex'), size, discard: () => rm(file, { force: true }) };
}

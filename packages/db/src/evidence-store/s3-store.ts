import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { keyOf, receiveInto, SHA256, type EvidenceStore, type Received, type StoredEntry, type StoredObject } from './store.js';

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style addressing (`endpoint/bucket/key`), which MinIO, Ceph and most self-hosted servers need. */
  forcePathStyle: boolean;
  /** Key prefix inside the bucket; default `evidence/`. */
  prefix?: string;
}

const notFound = (error: unknown) =>
  error instanceof NoSuchKey || error instanceof NotFound || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/**
 * Evidence in S3-compatible object storage (MinIO, Ceph, a cloud bucket): a file is received into a local temporary
 * file first (hashed and counted there, so its key is known and the limit holds before anything is sent), then
 * streamed up in parts; objects are `<prefix>ab/cdef…`.
 */
export class S3EvidenceStore implements EvidenceStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly prefix: string;
  private readonly tmp = path.join(os.tmpdir(), 'oversight-evidence');

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    });
    this.prefix = settings.prefix ?? 'evidence/';
  }

  private key(sha256: string): string {
    return this.prefix + keyOf(sha256);
  }

  tempPath(): string {
    return path.join(this.tmp, `${randomUUID()}.part`);
  }

  receive(source: Readable, maxBytes: number): Promise<Received> {
    return receiveInto(this.tmp, source, maxBytes);
  }

  async keep(file: Received): Promise<StoredObject> {
    const Key = this.key(file.sha256);
    try {
      if (await this.has(file.sha256)) {
        // Already kept: refresh its date, so the orphan sweep's grace period starts again.
        await this.client.send(
          new CopyObjectCommand({
            Bucket: this.settings.bucket,
            Key,
            CopySource: `${this.settings.bucket}/${Key}`,
            MetadataDirective: 'REPLACE',
            Metadata: { touched: new Date().toISOString() },
          }),
        );
      } else {
        await new Upload({
          client: this.client,
          params: { Bucket: this.settings.bucket, Key, Body: createReadStream(file.path), ContentLength: file.size },
        }).done();
      }
    } finally {
      await file.discard();
    }
    return { sha256: file.sha256, size: file.size };
  }

  async get(sha256: string): Promise<Readable | null> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(sha256) }));
      return answer.Body as Readable;
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.key(sha256) }));
      return true;
    } catch (error) {
      if (notFound(error)) return false;
      throw error;
    }
  }

  async delete(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(sha256) }));
  }

  async *list(): AsyncIterable<StoredEntry> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: this.prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const sha256 = (object.Key ?? '').slice(this.prefix.length).replace('/', '');
        if (SHA256.test(sha256)) yield { sha256, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileSystemEvidenceStore, S3EvidenceStore, type EvidenceStore, type S3Settings } from '@oversight/db';
import type { FastifyInstance } from 'fastify';
import S3rver from 's3rver';
import sharp from 'sharp';
import { cookie, HOST, ORIGIN } from './files-support.js';

/** Test support for evidence: small real files of each accepted type, and a multipart upload as a browser sends it. */

/** A JPEG photo as a phone takes it: rotated by EXIF (orientation 6) and carrying GPS-like metadata. */
export async function photo(width = 64, height = 32): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .withMetadata({ orientation: 6, exif: { IFD0: { Make: 'SchoolPhone', Copyright: 'GPS 30.1234N 104.5678E' } } })
    .toBuffer();
}

export async function png(width = 40, height = 40): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 120, b: 0, alpha: 1 } } })
    .png()
    .toBuffer();
}

export interface EvidenceUpload {
  name?: string;
  indicator?: string;
  domain?: string;
  /** Fields sent after the file (a browser sends them in form order). */
  fieldsAfter?: boolean;
  headers?: Record<string, string>;
  /** The declared content type of the part (never believed). */
  type?: string;
}

/** POST /api/reports/:schoolId/:period/evidence with the file name as raw UTF-8, as browsers send it. */
export function uploadEvidence(app: FastifyInstance, token: string, schoolId: number, period: string, file: Buffer, options: EvidenceUpload = {}) {
  const boundary = `----oversight${Math.random().toString(16).slice(2)}`;
  const field = (name: string, value: string) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  const fields = [
    ...(options.indicator !== undefined ? [field('indicator', options.indicator)] : []),
    ...(options.domain !== undefined ? [field('domain', options.domain)] : []),
  ];
  const name = (options.name ?? '保单.pdf').replace(/"/g, '%22');
  const filePart = [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${options.type ?? 'application/octet-stream'}\r\n\r\n`,
      'utf8',
    ),
    file,
    Buffer.from('\r\n'),
  ];
  const parts = options.fieldsAfter ? [...filePart, ...fields] : [...fields, ...filePart];
  return app.inject({
    method: 'POST',
    url: `/api/reports/${schoolId}/${period}/evidence`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, host: HOST, origin: ORIGIN, ...options.headers },
    cookies: token ? cookie(token) : {},
    payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
  });
}

/** DELETE /api/evidence/:id from our own origin. */
export function deleteEvidence(app: FastifyInstance, token: string, id: number, headers: Record<string, string> = {}) {
  return app.inject({ method: 'DELETE', url: `/api/evidence/${id}`, headers: { host: HOST, origin: ORIGIN, ...headers }, cookies: token ? cookie(token) : {} });
}

/** A local S3-compatible server (s3rver) on loopback with a random port and a bucket, and a store on it. */
export async function startS3(): Promise<{ store: S3EvidenceStore; settings: S3Settings; close: () => Promise<void> }> {
  const directory = mkdtempSync(path.join(tmpdir(), 'oversight-s3rver-'));
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: 'evidence', configs: [] }] });
  const { port } = await s3.run();
  const settings: S3Settings = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: 'evidence',
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  };
  const store = new S3EvidenceStore(settings);
  return {
    store,
    settings,
    close: async () => {
      await store.close();
      await s3.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export type StorageKind = 'fs' | 's3';
export const STORAGES: readonly StorageKind[] = ['fs', 's3'];

/** A fresh store of the kind: a temporary folder, or a bucket on a local s3rver. */
export async function openTestStore(kind: StorageKind): Promise<{ store: EvidenceStore; close: () => Promise<void> }> {
  if (kind === 's3') return startS3();
  const root = mkdtempSync(path.join(tmpdir(), 'oversight-evidence-'));
  return { store: new FileSystemEvidenceStore(root), close: async () => rmSync(root, { recursive: true, force: true }) };
}

/** Every file the store holds. */
export async function storedHashes(store: EvidenceStore): Promise<string[]> {
  const hashes: string[] = [];
  for await (const entry of store.list()) hashes.push(entry.sha256);
  return hashes.sort();
}

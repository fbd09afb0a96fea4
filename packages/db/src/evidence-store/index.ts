import path from 'node:path';
import { FileSystemEvidenceStore } from './fs-store.js';
import { S3EvidenceStore, type S3Settings } from './s3-store.js';
import type { EvidenceStore } from './store.js';

export * from './store.js';
export { FileSystemEvidenceStore } from './fs-store.js';
export { S3EvidenceStore, type S3Settings } from './s3-store.js';

/** Object storage when S3 settings are given, otherwise `DATA_DIR/evidence`. */
export function openEvidenceStore(options: { dataDir: string; s3?: S3Settings | null }): EvidenceStore {
  return options.s3 ? new S3EvidenceStore(options.s3) : new FileSystemEvidenceStore(path.join(options.dataDir, 'evidence'));
}

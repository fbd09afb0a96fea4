import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertHash, keyOf, receiveInto, SHA256, type EvidenceStore, type Received, type StoredEntry, type StoredObject } from './store.js';

/**
 * Evidence on the file system: `<root>/ab/cdef…`, written to `<root>/tmp/` first and renamed into place (atomic on
 * one file system), so a reader never sees half a file and a crash leaves only a temporary file behind.
 */
export class FileSystemEvidenceStore implements EvidenceStore {
  readonly kind = 'fs' as const;
  private readonly tmp: string;

  constructor(readonly root: string) {
    this.tmp = path.join(root, 'tmp');
  }

  private pathOf(sha256: string): string {
    return path.join(this.root, ...keyOf(sha256).split('/'));
  }

  tempPath(): string {
    return path.join(this.tmp, `${randomUUID()}.part`);
  }

  receive(source: Readable, maxBytes: number): Promise<Received> {
    return receiveInto(this.tmp, source, maxBytes);
  }

  async keep(file: Received): Promise<StoredObject> {
    const target = this.pathOf(file.sha256);
    await mkdir(path.dirname(target), { recursive: true });
    if (await this.has(file.sha256)) {
      // Already kept: the copy goes, and the kept file counts as new for the orphan sweep's grace period.
      await file.discard();
      const now = new Date();
      await utimes(target, now, now);
    } else {
      await rename(file.path, target);
    }
    return { sha256: file.sha256, size: file.size };
  }

  async get(sha256: string): Promise<Readable | null> {
    const file = this.pathOf(sha256);
    if (!(await this.has(sha256))) return null;
    return createReadStream(file);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch {
      return false;
    }
  }

  async delete(sha256: string): Promise<void> {
    assertHash(sha256);
    await rm(this.pathOf(sha256), { force: true });
  }

  async *list(): AsyncIterable<StoredEntry> {
    let folders: string[];
    try {
      folders = await readdir(this.root);
    } catch {
      return;
    }
    for (const folder of folders.sort()) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue;
      for (const rest of (await readdir(path.join(this.root, folder))).sort()) {
        const sha256 = folder + rest;
        if (!SHA256.test(sha256)) continue;
        const info = await stat(path.join(this.root, folder, rest));
        yield { sha256, size: info.size, modifiedAt: info.mtime };
      }
    }
  }

  /** Temporary files older than the grace period (an upload cut off by a crash). */
  async sweepTemporary(olderThan: Date): Promise<number> {
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(this.tmp);
    } catch {
      return 0;
    }
    for (const name of names) {
      const file = path.join(this.tmp, name);
      const info = await stat(file).catch(() => null);
      if (info && info.mtime < olderThan) {
        await rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async close(): Promise<void> {}
}

/**
 * The document worker (a worker thread of the server, see pool.ts): generates each document it is sent and answers
 * with its bytes, or with the error's message. Compiled to dist/document-worker.mjs beside the server's bundle.
 */
import { parentPort } from 'node:worker_threads';
import { FileRefusal } from '../files/refusal.js';
import { renderDocument, type DocumentJob } from './render.js';

const port = parentPort!;
port.on('message', async ({ id, job }: { id: number; job: DocumentJob }) => {
  try {
    const body = await renderDocument(job);
    port.postMessage({ id, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) });
  } catch (error) {
    // A file the job cannot take (a damaged upload) is the user's to fix: it goes back as that refusal.
    if (error instanceof FileRefusal) port.postMessage({ id, refusal: { status: error.status, message: error.message, rule: error.rule } });
    else port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});

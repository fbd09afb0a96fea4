import type { EvidenceFile } from '@oversight/domain';

/** Where a file is attached: one indicator, or a domain of the form. */
export type EvidenceTarget = { indicator: string } | { domain: string };

/** A refusal with the server's own message (Chinese, naming the file and the rule), or a network failure (`message` null). */
export class EvidenceError extends Error {
  constructor(
    readonly status: number,
    readonly serverMessage: string | null,
  ) {
    super(serverMessage ?? `HTTP ${status}`);
  }
}

/** The message of a file route's refusal body `{ error: { message } }`, if it has one. */
export function refusalMessage(body: unknown): string | null {
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' && message ? message : null;
}

/**
 * Sends one file with XMLHttpRequest, for upload progress (fetch cannot report it); the session cookie goes with it (same origin).
 * The target goes before the file, so the server knows it before it streams the file.
 */
export function uploadEvidence(
  schoolId: number,
  period: string,
  file: File,
  target: EvidenceTarget,
  onProgress: (percent: number) => void,
  signal?: AbortSignal,
): Promise<EvidenceFile> {
  const form = new FormData();
  if ('indicator' in target) form.append('indicator', target.indicator);
  else form.append('domain', target.domain);
  form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/reports/${schoolId}/${encodeURIComponent(period)}/evidence`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300 && xhr.response) resolve(xhr.response as EvidenceFile);
      else reject(new EvidenceError(xhr.status, refusalMessage(xhr.response)));
    };
    xhr.onerror = () => reject(new EvidenceError(0, null));
    xhr.onabort = () => reject(new EvidenceError(0, null));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}

/** Removes one file (refused once the report is submitted or approved, with the server's reason). */
export async function removeEvidence(id: EvidenceFile['id']): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`/api/evidence/${encodeURIComponent(String(id))}`, { method: 'DELETE', credentials: 'same-origin' });
  } catch {
    throw new EvidenceError(0, null);
  }
  if (response.ok) return;
  const body = await response.json().catch(() => null);
  throw new EvidenceError(response.status, refusalMessage(body));
}

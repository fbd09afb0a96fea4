import type { EvidenceFile } from '@oversight/domain';
import { uploadWithProgress } from '../../../shared/ui/Upload';

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
 * Sends one file with upload progress (the shared `uploadWithProgress`). The target goes before the file, so the server knows it
 * before it streams the file. A network failure rejects as the shared helper does (not an `EvidenceError`).
 */
export async function uploadEvidence(
  schoolId: number,
  period: string,
  file: File,
  target: EvidenceTarget,
  onProgress: (percent: number) => void,
): Promise<EvidenceFile> {
  const form = new FormData();
  if ('indicator' in target) form.append('indicator', target.indicator);
  else form.append('domain', target.domain);
  form.append('file', file, file.name);
  const url = `/api/reports/${schoolId}/${encodeURIComponent(period)}/evidence`;
  const { status, body } = await uploadWithProgress<Partial<EvidenceFile>>(url, form, {}, onProgress, () => {});
  if (status >= 200 && status < 300 && body.id !== undefined) return body as EvidenceFile;
  throw new EvidenceError(status, refusalMessage(body));
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

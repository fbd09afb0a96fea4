import { EVIDENCE_ACCEPT as EXTENSIONS, type EvidenceListEntry } from '@oversight/domain';

/** One evidence file as `evidence.list` answers it. */
export type EvidenceFile = EvidenceListEntry;

export type EvidenceKind = 'image' | 'pdf' | 'word' | 'excel' | 'other';

/** What a file is, from the content type the server detected (by its bytes, not its name). */
export function evidenceKind(type: string): EvidenceKind {
  if (type.startsWith('image/')) return 'image';
  if (type === 'application/pdf') return 'pdf';
  if (/word|wordprocessing|msword|ms-works|wps/i.test(type)) return 'word';
  if (/excel|spreadsheet|wps-spreadsheet|ket/i.test(type)) return 'excel';
  return 'other';
}

/** The file itself (shown in the browser: images, PDFs in its own viewer), its thumbnail, or a download. */
export const evidenceUrl = (id: EvidenceFile['id'], as?: 'thumb' | 'download') =>
  `/api/evidence/${encodeURIComponent(String(id))}${as === 'thumb' ? '?thumb=1' : as === 'download' ? '?download=1' : ''}`;

/** What the file picker offers: the types the server accepts, and any image (so a phone offers its camera). */
export const EVIDENCE_ACCEPT = `image/*,${EXTENSIONS}`;

/** 1.2 MB, 340 KB, 12 B. */
export function fileSize(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u += 1;
  }
  return `${n.toLocaleString(locale, { maximumFractionDigits: u === 0 ? 0 : n < 10 ? 1 : 0 })} ${units[u]}`;
}

import { EVIDENCE_TYPES } from '@oversight/domain';
import { describe, expect, it } from 'vitest';
import { evidenceKind, evidenceUrl, fileSize } from './files';

describe('evidence files in the web app', () => {
  it('knows every type the server accepts: images, PDF, Word and Excel (WPS too)', () => {
    const kinds = Object.fromEntries(Object.keys(EVIDENCE_TYPES).map((type) => [type, evidenceKind(type)]));
    expect(kinds).toEqual({
      'application/pdf': 'pdf',
      'image/jpeg': 'image',
      'image/png': 'image',
      'image/webp': 'image',
      'application/msword': 'word',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'word',
      'application/vnd.ms-excel': 'excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'excel',
      'application/vnd.ms-works': 'word',
    });
    expect(evidenceKind('application/octet-stream')).toBe('other');
  });

  it('shows sizes the way people read them', () => {
    expect(fileSize(0, 'zh-CN')).toBe('0 B');
    expect(fileSize(675, 'zh-CN')).toBe('675 B');
    expect(fileSize(14 * 1024 + 300, 'zh-CN')).toBe('14 KB');
    expect(fileSize(1.25 * 1024 * 1024, 'zh-CN')).toBe('1.3 MB');
    expect(fileSize(20 * 1024 * 1024, 'en-GB')).toBe('20 MB');
  });

  it('addresses the file, its thumbnail and its download', () => {
    expect(evidenceUrl(7)).toBe('/api/evidence/7');
    expect(evidenceUrl(7, 'thumb')).toBe('/api/evidence/7?thumb=1');
    expect(evidenceUrl(7, 'download')).toBe('/api/evidence/7?download=1');
  });
});

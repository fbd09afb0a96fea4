import type { Label } from './labels.js';

/** Where a school's quarterly report stands; `missing` is a quarter with no report at all. */
export const REPORT_STATUSES = ['draft', 'submitted', 'approved', 'returned'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export type ReportStatusOrMissing = ReportStatus | 'missing';

export const REPORT_STATUS_LABELS: Record<ReportStatusOrMissing, Label> = {
  draft: { zh: '草稿', en: 'Draft' },
  submitted: { zh: '已报送', en: 'Submitted' },
  approved: { zh: '已审核通过', en: 'Approved' },
  returned: { zh: '已退回', en: 'Returned' },
  missing: { zh: '未填报', en: 'Missing' },
};

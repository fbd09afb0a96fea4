import { isOverseer, type Role } from './access.js';
import type { ReportStatus } from './report-status.js';

/**
 * A report's life: a school saves drafts and submits; the bureau approves or returns a submitted report, and may
 * reopen an approved one (it goes back to the school as returned). Used by the services, the import and the form.
 */
export type ReportTransition = 'submit' | 'approve' | 'return' | 'reopen';

export interface TransitionRule {
  from: readonly ReportStatus[];
  to: ReportStatus;
  /** The audit action. */
  action: string;
  /** The verb in messages (“不能报送”). */
  verb: string;
  /** Only those who oversee schools may take it. */
  overseersOnly: boolean;
}

export const REPORT_TRANSITIONS: Record<ReportTransition, TransitionRule> = {
  submit: { from: ['draft', 'returned'], to: 'submitted', action: 'report.submit', verb: '报送', overseersOnly: false },
  approve: { from: ['submitted'], to: 'approved', action: 'report.approve', verb: '审核通过', overseersOnly: true },
  return: { from: ['submitted'], to: 'returned', action: 'report.return', verb: '退回', overseersOnly: true },
  reopen: { from: ['approved'], to: 'returned', action: 'report.reopen', verb: '重新打开', overseersOnly: true },
};

/**
 * Who changes a report's figures: the school (a draft, or a report returned to it), or the bureau, which may also
 * correct a submitted report before approving it. Nobody changes an approved report: it is reopened first.
 */
export type ReportEditor = 'school' | 'bureau';

const EDITABLE: Record<ReportEditor, readonly ReportStatus[]> = {
  school: ['draft', 'returned'],
  bureau: ['draft', 'returned', 'submitted'],
};

/** The editor a role acts as. */
export const editorOf = (role: Role): ReportEditor => (isOverseer(role) ? 'bureau' : 'school');

/** Whether a report in this status may be changed by this editor. */
export const isEditable = (status: ReportStatus, editor: ReportEditor): boolean => EDITABLE[editor].includes(status);

/** Late is decided by the first submission; a report not yet submitted is late once the deadline has passed. */
export function isLate(report: { submittedAt: Date | null; late: boolean } | undefined, deadline: Date, now: Date): boolean {
  return report?.submittedAt ? report.late : now > deadline;
}

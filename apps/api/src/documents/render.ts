import type { FigureMap, SummaryChart, SummaryTable } from '@oversight/domain';
import { summaryDocx, type SummaryDocumentData } from './docx.js';
import { annotate, type AnnotationPlan } from '../files/workbook.js';
import { summaryWorkbook } from './xlsx.js';

/**
 * One document to generate, as plain data (it crosses to a worker thread by structured clone): the summary as Word,
 * its appendix as Excel with the names of the schools its figures come from, or an uploaded workbook annotated
 * with its import's findings.
 */
export type DocumentJob =
  | { kind: 'docx'; data: SummaryDocumentData }
  | { kind: 'xlsx'; data: { title: string; tables: SummaryTable[]; charts: SummaryChart[]; figures: FigureMap; schoolNames: Record<number, string> } }
  | { kind: 'annotate'; data: AnnotationPlan };

/** Generates the document's bytes (all synchronous work but the final zip: run it off the request thread). */
export async function renderDocument(job: DocumentJob): Promise<Buffer> {
  if (job.kind === 'docx') return summaryDocx(job.data);
  if (job.kind === 'annotate') return annotate(job.data);
  const { schoolNames, ...data } = job.data;
  const workbook = summaryWorkbook({ ...data, schoolName: (id) => schoolNames[id] ?? String(id) });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

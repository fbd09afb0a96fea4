// The exceljs half of an annotated error report (workbook.ts annotateWorkbook), run in a worker thread: loading and
// writing a workbook with exceljs takes seconds of uninterrupted work for a large sheet, which the server's own
// thread must not spend. Plain JavaScript, so the same file runs beside the TypeScript sources (tsx, vitest) and
// beside the bundled server (scripts/build.mjs copies it next to dist/main.mjs).
// In: workerData { file, marks: [{ sheet, address, error, note }], rows: [{ cells, fill, bold }], sheet }.
// Out: { file } (the annotated workbook) or { damaged: true }.
import { parentPort, workerData } from 'node:worker_threads';
import ExcelJS from 'exceljs';

const FILLS = {
  error: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } },
  warning: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFEB9C' } },
};

async function annotate({ file, marks, rows, sheet: findingsSheet }) {
  const workbook = new ExcelJS.Workbook();
  try {
    // Data validations are not loaded: one covering a whole column would expand to a million cells in memory.
    await workbook.xlsx.load(Buffer.from(file), { ignoreNodes: ['dataValidations'] });
  } catch {
    return { damaged: true };
  }
  for (const { sheet: name, address, error, note } of marks) {
    const sheet = workbook.getWorksheet(name);
    if (!sheet) continue;
    const cell = sheet.getCell(address);
    cell.fill = error ? FILLS.error : FILLS.warning;
    cell.note = note;
  }
  if (workbook.getWorksheet(findingsSheet)) workbook.removeWorksheet(findingsSheet);
  const list = workbook.addWorksheet(findingsSheet);
  list.columns = [
    { header: '类别', width: 8 },
    { header: '工作表', width: 14 },
    { header: '单元格', width: 10 },
    { header: '说明', width: 90 },
  ];
  list.getRow(1).font = { bold: true };
  for (const { cells, fill, bold } of rows) {
    const row = list.addRow(cells);
    if (fill) row.getCell(1).fill = FILLS[fill];
    if (bold) row.font = { bold: true };
  }
  workbook.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: workbook.worksheets.indexOf(list), visibility: 'visible' }];
  return { file: Buffer.from(await workbook.xlsx.writeBuffer()) };
}

parentPort.postMessage(await annotate(workerData));

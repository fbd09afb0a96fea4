import { createHash } from 'node:crypto';
import { evidenceFindings, evidenceName, type Period } from '@oversight/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  evidenceRequiredFrom,
  getReport,
  recordEvidence,
  removeEvidence,
  reportHistory,
  saveReport,
  setEvidenceRequiredFrom,
  submitReport,
  SYSTEM_ACTOR,
  type DatabaseHandle,
  type School,
} from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { completeValues } from './figures.js';
import { school, smallHierarchy } from './fixtures.js';

/**
 * The catalogue's evidence requirements as findings of a report: blocking ones stop submission, the others are
 * warnings to explain; only for quarters from the county's `evidence_from` (none until its admin names one).
 */
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('evidence findings (domain)', () => {
  const primary = { type: 'primary' as const, hasCanteen: true };
  it('asks for the file a value needs, and nothing once a file is attached to that indicator', () => {
    const values = { food_liability_insured: true, green_school_status: 'certified', greening_investment_yuan: 0, plants_planted: 12 };
    const findings = evidenceFindings(values, [], primary);
    expect(findings.map((f) => [f.code, f.severity])).toEqual([
      ['food_liability_insured', 'error'],
      ['green_school_status', 'error'],
      ['plants_planted', 'warning'],
    ]);
    expect(findings[0]!.message).toBe('食堂（小卖部）是否投保食品安全责任险：请上传食品安全责任险保单作为佐证材料，否则不能报送。');
    // A file on a domain does not stand for an indicator's document; one on the indicator does.
    const attached = evidenceFindings(values, [{ indicator: null }, { indicator: 'food_liability_insured' }], primary);
    expect(attached.map((f) => f.code)).toEqual(['green_school_status', 'plants_planted']);
    // Not applicable to a school without a canteen: no finding for its canteen figures.
    expect(evidenceFindings({ assured_canteen_status: 'accepted' }, [], { type: 'primary', hasCanteen: false })).toEqual([]);
  });

  it('keeps a hostile file name as harmless text', () => {
    expect(evidenceName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(evidenceName('a\u0000b.pdf')).toBe('ab.pdf');
    expect(evidenceName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(evidenceName('')).toBe('未命名文件');
    const long = evidenceName(`${'长'.repeat(300)}.pdf`);
    expect([...long]).toHaveLength(200);
    expect(long.endsWith('.pdf')).toBe(true);
  });
});

await describeEachDatabase('evidence requirements', (kind) => {
  let handle: DatabaseHandle;
  let county: { id: number };
  let s: School;
  const PERIOD: Period = '2026Q1';

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const h = await smallHierarchy(handle.db);
    county = h.countyA;
    s = await school(handle.db, h.countyA.id);
  });
  afterAll(async () => handle?.close());

  it('a new county requires no evidence until its admin names the first quarter; the admin can move or lift it', async () => {
    expect(await evidenceRequiredFrom(handle.db, SYSTEM_ACTOR, county.id)).toBeNull();
    await setEvidenceRequiredFrom(handle.db, SYSTEM_ACTOR, county.id, '2027Q1');
    expect(await evidenceRequiredFrom(handle.db, SYSTEM_ACTOR, county.id)).toBe('2027Q1');
    await setEvidenceRequiredFrom(handle.db, SYSTEM_ACTOR, county.id, null);
    expect(await evidenceRequiredFrom(handle.db, SYSTEM_ACTOR, county.id)).toBeNull();
    await expect(setEvidenceRequiredFrom(handle.db, SYSTEM_ACTOR, county.id, '2026Q5')).rejects.toThrow('季度格式应为“2026Q1”');
  });

  it('without the required files a report cannot be submitted; with them (and the warning explained) it can', async () => {
    const values = completeValues(s, PERIOD, { food_liability_insured: true, greening_investment_yuan: 8000, plants_planted: 20, food_safety_grade: 'none' });
    // Not required (lifted above): the same report has no evidence findings.
    let saved = await saveReport(handle.db, SYSTEM_ACTOR, { schoolId: s.id, period: PERIOD, version: 0, values });
    expect(saved.issues.filter((i) => i.rule === 'evidence')).toEqual([]);
    expect(saved.evidenceFrom).toBeNull();

    await setEvidenceRequiredFrom(handle.db, SYSTEM_ACTOR, county.id, PERIOD);
    const view = await getReport(handle.db, SYSTEM_ACTOR, s.id, PERIOD);
    expect(view.evidenceFrom).toBe(PERIOD);
    expect(view.issues.filter((i) => i.rule === 'evidence').map((i) => [i.code, i.severity])).toEqual([
      ['food_liability_insured', 'error'],
      ['greening_investment_yuan', 'error'],
      ['plants_planted', 'warning'],
    ]);
    const explained = Object.fromEntries(view.issues.filter((i) => i.severity === 'warning').map((i) => [i.code, '已核实。']));
    saved = await saveReport(handle.db, SYSTEM_ACTOR, { schoolId: s.id, period: PERIOD, version: view.version, values: {}, explanations: explained });
    await expect(submitReport(handle.db, SYSTEM_ACTOR, { schoolId: s.id, period: PERIOD, version: saved.version })).rejects.toThrow(
      '报表有2处错误，请修改后再报送：食堂（小卖部）是否投保食品安全责任险：请上传食品安全责任险保单作为佐证材料，否则不能报送。',
    );

    const file = (indicator: string) => ({
      schoolId: s.id,
      period: PERIOD,
      indicator,
      domain: null,
      name: `${indicator}.pdf`,
      type: 'application/pdf',
      size: 10,
    });
    await recordEvidence(handle.db, SYSTEM_ACTOR, { ...file('food_liability_insured'), sha256: sha('policy') }, { reportMaxBytes: 1e9 });
    const photo = await recordEvidence(handle.db, SYSTEM_ACTOR, { ...file('greening_investment_yuan'), sha256: sha('photo') }, { reportMaxBytes: 1e9 });
    // Removing a required file brings the error back.
    await removeEvidence(handle.db, SYSTEM_ACTOR, photo.id);
    await expect(submitReport(handle.db, SYSTEM_ACTOR, { schoolId: s.id, period: PERIOD, version: saved.version })).rejects.toThrow('绿化投入凭证或现场照片');
    await recordEvidence(handle.db, SYSTEM_ACTOR, { ...file('greening_investment_yuan'), sha256: sha('photo') }, { reportMaxBytes: 1e9 });
    const submitted = await submitReport(handle.db, SYSTEM_ACTOR, { schoolId: s.id, period: PERIOD, version: saved.version });
    expect(submitted.status).toBe('submitted');
    // The report's history lists the uploads and the removal among its own changes, with the file's hash.
    const history = await reportHistory(handle.db, SYSTEM_ACTOR, s.id, PERIOD);
    expect(history.map((h) => h.action)).toEqual([
      'report.save',
      'report.save',
      'evidence.upload',
      'evidence.upload',
      'evidence.remove',
      'evidence.upload',
      'report.submit',
    ]);
    expect(history[4]!.before).toMatchObject({ name: 'greening_investment_yuan.pdf', sha256: sha('photo'), period: PERIOD });
    // Quarters before the county's first required quarter are not asked for files.
    const earlier = await getReport(handle.db, SYSTEM_ACTOR, s.id, '2025Q4');
    expect(earlier.issues.filter((i) => i.rule === 'evidence')).toEqual([]);
  });
});

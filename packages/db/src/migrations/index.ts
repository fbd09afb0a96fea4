import type { Migration } from 'kysely/migration';
import * as foundation from './2026-11-22-01-foundation.js';
import * as reporting from './2026-11-23-01-reporting.js';
import * as targets from './2026-11-24-01-targets.js';
import * as summaries from './2026-11-24-02-summaries.js';
import * as countyFigures from './2026-11-25-01-county-figures.js';
import * as attemptCounters from './2026-12-03-01-attempt-counters.js';
import * as onboarding from './2026-12-03-02-onboarding.js';
import * as evidence from './2026-12-04-01-evidence.js';
import * as measures from './2026-12-05-02-measures.js';
import * as issuingUnit from './2026-12-05-03-issuing-unit.js';
import * as degreeDays from './2026-12-05-05-degree-days.js';
import * as adjustedTargets from './2026-12-05-06-adjusted-targets.js';
import * as declinedProposals from './2026-12-05-07-declined-proposals.js';

/** Every migration, in order. Names sort by date; files are frozen once landed. */
export const migrations: Record<string, Migration> = {
  '2026-11-22-01-foundation': foundation,
  '2026-11-23-01-reporting': reporting,
  '2026-11-24-01-targets': targets,
  '2026-11-24-02-summaries': summaries,
  '2026-11-25-01-county-figures': countyFigures,
  '2026-12-03-01-attempt-counters': attemptCounters,
  '2026-12-03-02-onboarding': onboarding,
  '2026-12-04-01-evidence': evidence,
  '2026-12-05-02-measures': measures,
  '2026-12-05-03-issuing-unit': issuingUnit,
  '2026-12-05-05-degree-days': degreeDays,
  '2026-12-05-06-adjusted-targets': adjustedTargets,
  '2026-12-05-07-declined-proposals': declinedProposals,
};

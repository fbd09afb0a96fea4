// Analytics by capability: scope, window, the counties' data and kept figures are shared; each view is its own module.
export { countiesFor } from './scope.js';
export { forgetRemembered } from './kept-figures.js';
export type { FigureOptions, WindowChoice } from './window.js';
export type { TargetBrief } from './school-figures.js';
export { overview, type Overview, type OverviewFigure, type TargetCheck } from './overview.js';
export { ranking, type Adjustment, type PeerGroup, type Ranking, type RankingRow } from './league.js';
export { MAX_TREND_QUARTERS, trend, type TrendPoint } from './trends.js';
export { myStanding, schoolProfile, type FairStanding, type MyStanding, type SchoolProfile, type Standing } from './standings.js';
export { compareCounties, type CountyRowFigure } from './comparison.js';
export {
  adjustedFiguresFor,
  comparisonModel,
  comparisonOf,
  comparisonsFor,
  countyDegreeDays,
  EXPECTATION_YEARS,
  provincesOf,
  schoolExpectations,
  setDegreeDays,
  type DegreeDaysRow,
  type KeptComparison,
  type ModelPoint,
  type ModelView,
  type SchoolExpectation,
} from './fair-comparison.js';

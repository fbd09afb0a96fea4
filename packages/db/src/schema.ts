import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Comparator, Location, OrgLevel, Ownership, ReportValues, Role, SchoolType, TargetKind, TargetMeasure, TargetValue } from '@oversight/domain';
import type { MeasureDomain, MeasureKind } from '@oversight/domain';
import type { FigureMap, SummaryBasis, SummaryChart, SummaryLevel, SummarySection, SummaryTable as SummaryTableData } from '@oversight/domain';

/** Kysely table types. Column names are camelCase here and snake_case in SQL (CamelCasePlugin). */
type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
type Json = ColumnType<unknown, string | null, string | null>;

export interface OrgUnitTable {
  id: Generated<number>;
  parentId: number | null;
  level: OrgLevel;
  code: string;
  name: string;
  createdAt: CreatedAt;
}

export interface SchoolTable {
  id: Generated<number>;
  countyId: number;
  townshipId: number | null;
  code: string;
  name: string;
  type: SchoolType;
  ownership: Ownership;
  location: Location;
  boarding: boolean;
  buildingAreaM2: number;
  siteAreaM2: number;
  hasCanteen: boolean;
  /** The principal or logistics contact the roster names, and a mainland mobile number (11 digits). */
  contactName: Generated<string | null>;
  contactPhone: Generated<string | null>;
  active: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  /** The bureau's unit (a county, or a city seeing all its counties); null for principals and system admins. */
  orgUnitId: number | null;
  schoolId: number | null;
  /** The county whose data this account belongs to; null for system admins and city-level accounts. */
  countyId: number | null;
  active: Generated<boolean>;
  /** Set when someone other than the owner chose the password: every call but changing it is refused until then. */
  mustChangePassword: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface SessionTable {
  /** SHA-256 of the cookie token: a leaked table does not give away live sessions. */
  id: string;
  userId: number;
  createdAt: CreatedAt;
  expiresAt: Date;
}

/** Attempts per key in the current window: sign-ins (per account and address, account, address), costly calls per user. */
export interface AttemptCounterTable {
  key: string;
  attempts: number;
  windowStartedAt: Date;
}

/** Where an account has signed in from, and when last. */
export interface SignInAddressTable {
  userId: number;
  address: string;
  lastSignedInAt: Date;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actorId: number | null;
  countyId: number | null;
  schoolId: number | null;
  action: string;
  entity: string;
  entityId: string;
  before: Json;
  after: Json;
}

export type { ReportStatus } from '@oversight/domain';
import type { ReportStatus } from '@oversight/domain';

export interface CountySettingsTable {
  countyId: number;
  deadlineDays: number;
  /** The first quarter whose reports must carry the evidence the catalogue names; null: none required. */
  evidenceFrom: Generated<string | null>;
  /** The issuing unit's full name for the county's summaries (“青石县教育和体育局”); null: the county's name + 教育局. */
  issuingUnit: Generated<string | null>;
  updatedAt: UpdatedAt;
}

/** A file behind a report's figures (issue 15); its bytes are in the evidence store under `sha256`. */
export interface EvidenceFileTable {
  id: Generated<number>;
  countyId: number;
  schoolId: number;
  period: string;
  indicator: string | null;
  domain: string | null;
  /** The uploader's file name, as text only: never used as a path. */
  name: string;
  size: ColumnType<number, number, number>;
  type: string;
  sha256: string;
  uploadedBy: number | null;
  uploadedAt: CreatedAt;
}

export interface ReportTable {
  id: Generated<number>;
  countyId: number;
  schoolId: number;
  period: string;
  status: ReportStatus;
  version: number;
  values: ColumnType<ReportValues, string, string>;
  explanations: ColumnType<Record<string, string>, string, string>;
  submittedAt: Date | null;
  submittedBy: number | null;
  late: Generated<boolean>;
  reviewedAt: Date | null;
  reviewedBy: number | null;
  returnReason: string | null;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface ReminderTable {
  id: Generated<number>;
  countyId: number;
  schoolId: number;
  period: string;
  message: string;
  createdBy: number | null;
  createdAt: CreatedAt;
  dismissedAt: Date | null;
}

export interface OutboxTable {
  id: Generated<number>;
  countyId: number;
  userId: number;
  channel: string;
  subject: string;
  body: string;
  createdAt: CreatedAt;
  sentAt: Date | null;
}

/** A county's yearly target for one indicator (see the domain's `TargetDefinition`). */
export interface TargetTable {
  id: Generated<number>;
  countyId: number;
  year: number;
  indicator: string;
  kind: TargetKind;
  measure: TargetMeasure;
  comparator: Comparator;
  value: ColumnType<TargetValue, string, string>;
  statusValue: ColumnType<string | boolean | null, string | null, string | null>;
  schoolTypes: SchoolType[] | null;
  schoolId: number | null;
  targetKey: string;
  createdBy: number | null;
  updatedBy: number | null;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

/** A county's dashboard figure parts, valid while `fingerprint` matches its data (queries/county-figures.ts). */
export interface CountyFiguresTable {
  countyId: number;
  key: string;
  fingerprint: string;
  parts: string;
  computedAt: ColumnType<Date, Date | undefined, Date>;
}

/** A bureau's measure of one domain and year (issue 16): what part 一 of its summary opens the domain with. */
export interface BureauMeasureTable {
  id: Generated<number>;
  countyId: number;
  year: number;
  domain: MeasureDomain;
  /** YYYY-MM-DD; its year is `year`. */
  date: string;
  kind: MeasureKind;
  text: string;
  createdBy: number | null;
  updatedBy: number | null;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

/** A school's practice text (its report of `period`) the bureau quotes as 典型做法, at `position` (1–3). */
export interface TypicalPracticeTable {
  id: Generated<number>;
  countyId: number;
  year: number;
  domain: MeasureDomain;
  schoolId: number;
  period: string;
  position: number;
  chosenBy: number | null;
  chosenAt: CreatedAt;
}

/** A county's heating and cooling degree days of a year (issue 17; the fair comparison's climate). */
export interface CountyDegreeDaysTable {
  countyId: number;
  year: number;
  hdd: number;
  cdd: number;
  updatedBy: number | null;
  updatedAt: UpdatedAt;
}

/** A target proposal (its key: indicator and target key) an officer declined for a county's year (不采纳). */
export interface DeclinedProposalTable {
  countyId: number;
  year: number;
  proposalKey: string;
  declinedBy: number | null;
  declinedAt: CreatedAt;
}

export interface Database {
  declinedProposals: DeclinedProposalTable;
  bureauMeasures: BureauMeasureTable;
  typicalPractices: TypicalPracticeTable;
  countyFigures: CountyFiguresTable;
  countyDegreeDays: CountyDegreeDaysTable;
  summaries: SummariesTable;
  summaryVersions: SummaryVersionsTable;
  targets: TargetTable;
  countySettings: CountySettingsTable;
  evidenceFiles: EvidenceFileTable;
  reports: ReportTable;
  reminders: ReminderTable;
  outbox: OutboxTable;
  orgUnits: OrgUnitTable;
  schools: SchoolTable;
  users: UserTable;
  sessions: SessionTable;
  attemptCounters: AttemptCounterTable;
  signInAddresses: SignInAddressTable;
  auditLog: AuditLogTable;
}

export type OrgUnit = Selectable<OrgUnitTable>;
export type School = Selectable<SchoolTable>;
export type NewSchool = Insertable<SchoolTable>;
export type SchoolUpdate = Updateable<SchoolTable>;
export type User = Selectable<UserTable>;
export type Report = Selectable<ReportTable>;
export type TargetRow = Selectable<TargetTable>;
export type EvidenceFileRow = Selectable<EvidenceFileTable>;

/** Annual summaries (issue 6): `sections` is the edited text; `figures` and `document` are frozen at finalise. */
export interface SummariesTable {
  id: Generated<number>;
  level: SummaryLevel;
  /** The county or city the summary is written for (for a school's summary: the school's county). */
  orgUnitId: number;
  /** The county whose data it covers; null for a city's summary across its counties. */
  countyId: number | null;
  schoolId: number | null;
  year: number;
  upToQuarter: number;
  status: 'draft' | 'final';
  version: number;
  title: string;
  sections: ColumnType<SummarySection[], string, string>;
  figures: ColumnType<FigureMap, string, string>;
  document: ColumnType<SummaryFacts, string, string>;
  createdBy: number | null;
  updatedBy: number | null;
  finalizedBy: number | null;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
  finalizedAt: Date | null;
}

/** The data of a summary besides its text and figures: what it rests on, appendix tables, chart data. */
export interface SummaryFacts {
  basis: SummaryBasis;
  tables: SummaryTableData[];
  charts: SummaryChart[];
  /** Who issued it, frozen at finalisation (summaries finalised before it was kept take the unit's current name). */
  issuer?: string;
}

export interface SummaryVersionsTable {
  summaryId: number;
  version: number;
  status: 'draft' | 'final';
  sections: ColumnType<SummarySection[], string, string>;
  savedBy: number | null;
  savedAt: CreatedAt;
}

export type SummaryRow = Selectable<SummariesTable>;

import { draftFindings, type IndicatorValue, isEditable } from '@oversight/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldIssues, useNotify } from '../../shared/errors';
import { useMe } from '../../shared/session';
import { errorCode, useTRPC, type Indicator, type ReportView, type School } from '../../shared/trpc';
import { isNetworkError, retryDelay, useOnline } from './connection';
import { useFieldName } from './fieldName';
import { browserStorage, keptEditsKey, readKeptEdits, writeKeptEdits } from './keptEdits';
import {
  afterSave,
  applyChoices,
  type Choice,
  changedElsewhere,
  type Difference,
  editCount,
  type FieldValue,
  hasEdits,
  noEdits,
  type PendingEdits,
  reconcile,
  recordEdit,
  withEdits,
} from './pendingEdits';

export type { FieldValue } from './pendingEdits';

export type SaveState =
  | { kind: 'idle' | 'pending' | 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'failed'; error: unknown }
  /** The report can no longer be edited here (submitted or locked meanwhile): nothing is sent; the edits stay kept. */
  | { kind: 'conflict'; error: unknown }
  /** A save failed for the connection: the edits are kept on this device and sent again when it returns. */
  | { kind: 'offline'; attempt: number }
  /** Someone else changed the same fields: waiting for the principal to choose. */
  | { kind: 'choosing' };

const AUTOSAVE_MS = 1200;
/** Conflicts merged and sent again in one go before giving up for now (each needs someone else to save meanwhile). */
const MAX_ROUNDS = 3;

/** The value to send for a field; undefined for a number still being typed (not sent yet). */
export function toStoredValue(indicator: Indicator, value: FieldValue | undefined | null): IndicatorValue | undefined {
  if (value === undefined || value === null || value === '') return null;
  if ((indicator.valueType === 'integer' || indicator.valueType === 'decimal') && typeof value === 'string') {
    const n = Number(value.replace(/,/g, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  return value;
}

/** What a save sends: the pending edits that can be sent now (not a number still being typed), and those edits. */
function payload(pending: PendingEdits, byCode: ReadonlyMap<string, Indicator>) {
  const sent = noEdits(pending.baseVersion);
  const values: Record<string, IndicatorValue> = {};
  const explanations: Record<string, string> = {};
  for (const [code, edit] of Object.entries(pending.values)) {
    const indicator = byCode.get(code);
    const value = indicator ? toStoredValue(indicator, edit.mine) : (edit.mine as IndicatorValue);
    if (value === undefined) continue;
    values[code] = value;
    sent.values[code] = edit;
  }
  for (const [code, edit] of Object.entries(pending.explanations)) {
    explanations[code] = typeof edit.mine === 'string' ? edit.mine : '';
    sent.explanations[code] = edit;
  }
  return hasEdits(sent) ? { sent, values, explanations } : null;
}

const asExplanations = (fields: Record<string, unknown>) => fields as Record<string, string>;

/**
 * A report's draft in the browser. Every edit is kept on this device (localStorage, per user, school and quarter)
 * until the server has stored it, and saved after a pause with the version it was based on. The autosave answers with
 * the stored values only; their findings and derived figures are recomputed here with the domain's own checks.
 *
 * - A save that fails for the connection is kept and sent again when the browser is back online (and, while it
 *   says it is, after 1 s, 2 s, 4 s … at most 30 s); a reload restores the kept edits.
 * - A save refused with CONFLICT (someone else saved meanwhile) loads the newer version and merges field by field:
 *   fields only the other side changed are taken with a notice; fields both changed to different values wait for
 *   the principal's choice (`differences`, `choose`); then the save goes out on the newer version.
 * - A report that can no longer be edited (submitted or locked meanwhile) calls `onConflict`; the edits stay kept.
 * - Any other refusal is shown as an error and not retried until the next edit.
 *
 * `flush` waits for everything to be stored and resolves false when it could not.
 */
export function useReportDraft(initial: ReportView, school: School, inputs: readonly Indicator[], onConflict: (error: unknown) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useMe();
  const { t } = useTranslation();
  const notify = useNotify();
  const online = useOnline();
  const storage = useMemo(browserStorage, []);
  const storageKey = keptEditsKey(me.id, initial.schoolId, initial.period);
  const byCode = useMemo(() => new Map(inputs.map((i) => [i.code, i])), [inputs]);

  // The edits kept on this device from an earlier visit, merged into the report as it is stored now.
  const [boot] = useState(() => {
    const kept = readKeptEdits(storage, storageKey);
    if (!kept) return { pending: noEdits(initial.version), differences: [] as Difference[], restored: 0 };
    const result = reconcile(kept, initial);
    // What the server already holds as typed is settled; the rest (differences included) stays kept.
    writeKeptEdits(storage, storageKey, result.pending);
    return { ...result, restored: editCount(result.pending) };
  });

  const [server, setServer] = useState(initial);
  const serverRef = useRef<ReportView>(initial);
  const [values, setValues] = useState<Record<string, FieldValue>>(() => withEdits(initial.values, boot.pending.values));
  const [explanations, setExplanations] = useState<Record<string, string>>(() => asExplanations(withEdits(initial.explanations, boot.pending.explanations)));
  const [pending, setPendingState] = useState(boot.pending);
  const pendingRef = useRef(boot.pending);
  const [keptOnDevice, setKeptOnDevice] = useState(true);
  const [differences, setDifferencesState] = useState<Difference[]>(boot.differences);
  /** Fields only the other side changed, merged silently; named in the dialog when there is one to choose in. */
  const [merged, setMerged] = useState<string[]>([]);
  const differencesRef = useRef(boot.differences);
  const [state, setState] = useState<SaveState>(() =>
    boot.differences.length ? { kind: 'choosing' } : hasEdits(boot.pending) ? { kind: 'pending' } : { kind: 'idle' },
  );
  const [rejected, setRejected] = useState<Record<string, string>>({});
  const [revision, setRevision] = useState(hasEdits(boot.pending) ? 1 : 0);
  const locked = useRef(false);
  const attempts = useRef(0);
  const conflictHandler = useRef(onConflict);
  conflictHandler.current = onConflict;

  const save = useMutation(trpc.reports.autosave.mutationOptions());
  const { mutateAsync } = save;
  const { schoolId, period } = initial;
  const key = useMemo(() => trpc.reports.get.queryKey({ schoolId, period }), [trpc, schoolId, period]);

  const setPending = useCallback(
    (next: PendingEdits) => {
      pendingRef.current = next;
      setPendingState(next);
      setKeptOnDevice(writeKeptEdits(storage, storageKey, next));
    },
    [storage, storageKey],
  );
  const setDifferences = useCallback((next: Difference[]) => {
    differencesRef.current = next;
    setDifferencesState(next);
  }, []);
  /** The form shows the stored report with the pending edits typed over it. */
  const showStored = useCallback((stored: ReportView, edits: PendingEdits) => {
    setValues(withEdits(stored.values, edits.values));
    setExplanations(asExplanations(withEdits(stored.explanations, edits.explanations)));
  }, []);

  const fieldName = useFieldName(inputs);

  const wentOffline = useCallback((counted: boolean) => {
    if (counted) attempts.current += 1;
    setState({ kind: 'offline', attempt: attempts.current });
  }, []);

  /**
   * After a CONFLICT: loads the stored report and merges the pending edits into it. True when they merged cleanly and
   * can be sent on the newer version; false when the principal must choose, the report is locked, or it could not load.
   */
  const mergeNewer = useCallback(
    async (conflict: unknown, sentVersion: number): Promise<boolean> => {
      let remote: ReportView;
      try {
        remote = await queryClient.fetchQuery({ ...trpc.reports.get.queryOptions({ schoolId, period }), staleTime: 0 });
      } catch (error) {
        if (isNetworkError(error)) wentOffline(true);
        else setState({ kind: 'failed', error });
        return false;
      }
      if (!isEditable(remote.status, 'school')) {
        locked.current = true;
        setState({ kind: 'conflict', error: conflict });
        conflictHandler.current(conflict);
        return false;
      }
      if (remote.version === sentVersion) {
        // Refused for something other than a newer version: sending again would be refused again.
        setState({ kind: 'failed', error: conflict });
        return false;
      }
      const elsewhere = changedElsewhere(serverRef.current, remote, pendingRef.current);
      const result = reconcile(pendingRef.current, remote);
      serverRef.current = remote;
      setServer(remote);
      setPending(result.pending);
      showStored(remote, result.pending);
      const names = elsewhere.map(fieldName);
      if (result.differences.length) {
        setMerged(names);
        setDifferences(result.differences);
        setState({ kind: 'choosing' });
        return false;
      }
      if (names.length) notify.info(t('draftSync.merged', { fields: names.join(t('common.listSeparator')) }));
      return true;
    },
    [queryClient, trpc, schoolId, period, wentOffline, setPending, showStored, notify, t, fieldName, setDifferences],
  );

  /** Stores everything pending, one save at a time; resolves false when it could not. */
  const storeNow = useCallback(async (): Promise<boolean> => {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      if (locked.current || differencesRef.current.length) return false;
      const body = payload(pendingRef.current, byCode);
      if (!body) return true;
      if (!navigator.onLine) {
        wentOffline(false);
        return false;
      }
      // A retry after a lost connection keeps saying so until it succeeds.
      setState((s) => (s.kind === 'offline' ? s : { kind: 'saving' }));
      try {
        const stored = await mutateAsync({ schoolId, period, version: body.sent.baseVersion, values: body.values, explanations: body.explanations });
        attempts.current = 0;
        const next = afterSave(pendingRef.current, body.sent, stored);
        setPending(next);
        const checked = draftFindings(stored.values, { school, period, lastYear: initial.lastYear, ...initial.checks });
        // A save changes only the stored report and what follows from it; the rest of the view is as loaded.
        const view: ReportView = { ...initial, ...stored, ...checked, prefilled: false };
        serverRef.current = view;
        setServer(view);
        setRejected({});
        queryClient.setQueryData(key, view);
        if (!hasEdits(next)) {
          setState({ kind: 'saved', at: new Date() });
          return true;
        }
        setState({ kind: 'pending' });
      } catch (error) {
        if (isNetworkError(error)) {
          wentOffline(true);
          return false;
        }
        if (errorCode(error) === 'CONFLICT') {
          if (await mergeNewer(error, body.sent.baseVersion)) continue;
          return false;
        }
        setRejected(Object.fromEntries(fieldIssues(error).map((i) => [i.path, i.message])));
        setState({ kind: 'failed', error });
        return false;
      }
    }
    setState({ kind: 'pending' });
    return !hasEdits(pendingRef.current);
  }, [byCode, mutateAsync, schoolId, period, school, initial, queryClient, key, setPending, wentOffline, mergeNewer]);

  // One save at a time, always with the latest callbacks: `send` itself never changes, so timers are not reset by renders.
  const store = useRef(storeNow);
  store.current = storeNow;
  const queue = useRef<Promise<boolean>>(Promise.resolve(true));
  const send = useCallback(() => {
    const next = () => store.current();
    queue.current = queue.current.then(next, next);
    return queue.current;
  }, []);

  // Autosave after a pause in typing.
  useEffect(() => {
    if (!revision || locked.current || differencesRef.current.length) return;
    if (!hasEdits(pendingRef.current)) {
      setState((s) => (s.kind === 'pending' ? { kind: 'idle' } : s));
      return;
    }
    setState((s) => (s.kind === 'offline' || s.kind === 'pending' ? s : { kind: 'pending' }));
    const timer = setTimeout(() => void send(), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [revision, send]);

  // Back online: try again soon, then back off while the server stays out of reach.
  useEffect(() => {
    if (!online) return;
    attempts.current = 0;
    setState((s) => (s.kind === 'offline' && s.attempt > 0 ? { kind: 'offline', attempt: 0 } : s));
  }, [online]);
  useEffect(() => {
    if (state.kind !== 'offline' || !online) return;
    const timer = setTimeout(() => void send(), retryDelay(state.attempt));
    return () => clearTimeout(timer);
  }, [state, online, send]);

  // Say once that edits kept on this device were brought back.
  const restored = boot.restored;
  const announced = useRef(false);
  useEffect(() => {
    if (!restored || announced.current) return;
    announced.current = true;
    notify.info(t('draftSync.restored', { count: restored }));
  }, [restored, notify, t]);

  const edit = useCallback(
    (code: string, value: FieldValue) => {
      setValues((v) => ({ ...v, [code]: value }));
      setPending(recordEdit(pendingRef.current, 'values', code, serverRef.current.values[code] ?? null, value));
      setRevision((r) => r + 1);
    },
    [setPending],
  );
  const explain = useCallback(
    (code: string, text: string) => {
      setExplanations((e) => ({ ...e, [code]: text }));
      setPending(recordEdit(pendingRef.current, 'explanations', code, serverRef.current.explanations[code] ?? null, text));
      setRevision((r) => r + 1);
    },
    [setPending],
  );

  /** The principal's choice for each difference: "mine" is saved over the newer version, "theirs" is kept. */
  const choose = useCallback(
    (choices: Record<string, Choice>) => {
      const next = applyChoices(pendingRef.current, differencesRef.current, choices);
      setDifferences([]);
      setPending(next);
      showStored(serverRef.current, next);
      setState(hasEdits(next) ? { kind: 'pending' } : { kind: 'saved', at: new Date() });
      setRevision((r) => r + 1);
    },
    [setDifferences, setPending, showStored],
  );

  // The findings and derived figures follow what is typed, saved or not (offline too): the domain's own checks on the
  // stored values with the pending edits over them (a number still being typed counts as not yet changed).
  const shown = useMemo((): ReportView => {
    if (!hasEdits(pending)) return server;
    const current = { ...server.values };
    for (const [code, edit] of Object.entries(pending.values)) {
      const indicator = byCode.get(code);
      const value = indicator ? toStoredValue(indicator, edit.mine) : undefined;
      if (value === null) delete current[code];
      else if (value !== undefined) current[code] = value;
    }
    return { ...server, ...draftFindings(current, { school, period, lastYear: initial.lastYear, ...initial.checks }) };
  }, [server, pending, byCode, school, period, initial]);

  /** Stores pending edits now (before submitting); false when they could not be stored. */
  const flush = send;

  return {
    /** The report as stored, with findings and derived figures for what is typed. */
    server: shown,
    values,
    explanations,
    edit,
    explain,
    state,
    rejected,
    flush,
    /** The version the server last returned, for the submit that follows a flush. */
    version: () => pendingRef.current.baseVersion,
    /** Whether the browser is online, by its own account. */
    online,
    /** How many edits are kept on this device and not yet stored. */
    kept: editCount(pending),
    /** False when the browser refused to keep the edits (storage full or disabled). */
    keptOnDevice,
    /** Fields both sides changed to different values, while the principal chooses. */
    differences,
    /** Names of the fields only the other side changed (merged), to mention beside the choice. */
    merged,
    choose,
  };
}

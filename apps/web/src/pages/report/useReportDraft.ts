import { draftFindings, type IndicatorValue } from '@oversight/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { fieldIssues } from '../../shared/errors';
import { errorCode, useTRPC, type Indicator, type ReportView, type School } from '../../shared/trpc';

/** What a form field holds: a stored value, or the text of a number being typed. */
export type FieldValue = IndicatorValue | string;

export type SaveState =
  | { kind: 'idle' | 'pending' | 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'failed'; error: unknown }
  | { kind: 'conflict'; error: unknown };

const AUTOSAVE_MS = 1200;

/** The value to send for a field; undefined for a number still being typed (not sent yet). */
export function toStoredValue(indicator: Indicator, value: FieldValue | undefined): IndicatorValue | undefined {
  if (value === undefined || value === '') return null;
  if ((indicator.valueType === 'integer' || indicator.valueType === 'decimal') && typeof value === 'string') {
    const n = Number(value.replace(/,/g, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  return value;
}

/**
 * A report's draft in the browser: edits are kept locally and saved after a pause, carrying the version the
 * server last returned. The autosave answers with the stored values only; their findings and derived figures are
 * recomputed here with the domain's own checks and the report's context (last year, previous quarter, peers).
 * A save refused with CONFLICT (someone else saved meanwhile) is never retried over the other person's work: the
 * caller shows the message and reloads. `flush` waits for everything to be stored.
 */
export function useReportDraft(initial: ReportView, school: School, inputs: readonly Indicator[], onConflict: (error: unknown) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [server, setServer] = useState(initial);
  const [values, setValues] = useState<Record<string, FieldValue>>(() => ({ ...initial.values }));
  const [explanations, setExplanations] = useState<Record<string, string>>(() => ({ ...initial.explanations }));
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const [rejected, setRejected] = useState<Record<string, string>>({});
  const [revision, setRevision] = useState(0);
  const latest = useRef({ values, explanations, revision, version: initial.version });
  latest.current = { values, explanations, revision, version: server.version };
  const saved = useRef(0);
  const stopped = useRef(false);
  const conflictHandler = useRef(onConflict);
  conflictHandler.current = onConflict;

  const save = useMutation(trpc.reports.autosave.mutationOptions());
  const { mutateAsync } = save;
  const key = useMemo(() => trpc.reports.get.queryKey({ schoolId: initial.schoolId, period: initial.period }), [trpc, initial.schoolId, initial.period]);

  /** Stores everything not yet stored, one save at a time; resolves false when it could not. */
  const storeNow = useCallback(async (): Promise<boolean> => {
    const { values: current, explanations: notes, revision: sending, version } = latest.current;
    if (stopped.current) return false;
    if (sending <= saved.current) return true;
    const payload: Record<string, IndicatorValue> = {};
    for (const indicator of inputs) {
      const v = toStoredValue(indicator, current[indicator.code]);
      if (v !== undefined) payload[indicator.code] = v;
    }
    setState({ kind: 'saving' });
    try {
      const stored = await mutateAsync({ schoolId: initial.schoolId, period: initial.period, version, values: payload, explanations: notes });
      saved.current = sending;
      latest.current.version = stored.version;
      const checked = draftFindings(stored.values, { school, period: initial.period, lastYear: initial.lastYear, ...initial.checks });
      // A save changes only the stored report and what follows from it; the rest of the view is as loaded.
      const view: ReportView = { ...initial, ...stored, ...checked, prefilled: false };
      setServer(view);
      setRejected({});
      queryClient.setQueryData(key, view);
      setState(latest.current.revision > sending ? { kind: 'pending' } : { kind: 'saved', at: new Date() });
      return true;
    } catch (error) {
      if (errorCode(error) === 'CONFLICT') {
        stopped.current = true;
        setState({ kind: 'conflict', error });
        conflictHandler.current(error);
      } else {
        setRejected(Object.fromEntries(fieldIssues(error).map((i) => [i.path, i.message])));
        setState({ kind: 'failed', error });
      }
      return false;
    }
  }, [inputs, initial, school, mutateAsync, queryClient, key]);

  const queue = useRef<Promise<boolean>>(Promise.resolve(true));
  const send = useCallback(() => (queue.current = queue.current.then(storeNow)), [storeNow]);

  // Autosave after a pause in typing.
  useEffect(() => {
    if (revision <= saved.current || stopped.current) return;
    setState({ kind: 'pending' });
    const timer = setTimeout(() => void send(), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [revision, send]);

  const edit = useCallback((code: string, value: FieldValue) => {
    setValues((v) => ({ ...v, [code]: value }));
    setRevision((r) => r + 1);
  }, []);
  const explain = useCallback((code: string, text: string) => {
    setExplanations((e) => ({ ...e, [code]: text }));
    setRevision((r) => r + 1);
  }, []);

  /** Stores pending edits now (before submitting); false when they could not be stored. */
  const flush = send;

  return {
    server,
    values,
    explanations,
    edit,
    explain,
    state,
    rejected,
    flush,
    /** The version the server last returned, for the submit that follows a flush. */
    version: () => latest.current.version,
  };
}

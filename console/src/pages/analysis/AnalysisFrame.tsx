// The frame of every analysis page: the query builder's common part (date range with presets,
// granularity, comparison, filters, group-by, advanced JSON), running the query through React
// Query (cancellable; a changed query aborts the stale one) and, with a comparison period, the
// same query over that period as a second run, the result with its explicit states, and saving
// the analysis to a dashboard. The committed query (and comparison choice) is kept in the URL.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState } from 'react';
import { analysisQuery } from '../../api/queries.ts';
import type { Filter, GroupBy, TimePreset } from '../../api/types.ts';
import { navigate, useLocation } from '../../app/router.ts';
import { useScope } from '../../app/scope.tsx';
import { FilterEditor } from '../../components/FilterEditor.tsx';
import { GroupByEditor } from '../../components/GroupByEditor.tsx';
import { Choice, NumberField } from '../../components/pickers.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { PRESETS, resolveRange } from '../../components/time-range.ts';
import { userTimeZone } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { COMPARISONS, type Comparison, readComparison } from './comparison.ts';
import type { ModelView, Query } from './model-view.ts';
import { PreviousPeriodState, usePreviousPeriod } from './previous-period.tsx';
import { SavePanel } from './SavePanel.tsx';
import { readUrlQuery, urlFor } from './url-query.ts';

const GRANULARITIES = ['hour', 'day', 'week', 'month', 'total'] as const;

export function AnalysisFrame({ model, view }: { model: string; view: ModelView }) {
  const { t } = useI18n();
  const scope = useScope();
  const { search } = useLocation();
  const fromUrl = readUrlQuery(search);
  const fresh = useMemo<Query>(
    () => ({ ...resolveRange({ preset: 'last_30_days' }), timeZone: userTimeZone(), ...view.defaults() }),
    [view],
  );
  // The committed query (what ran / runs) is the URL's; the draft is what the form edits.
  const committed: Query = fromUrl ?? fresh;
  const [draft, setDraft] = useState<Query>(committed);
  const committedVs = readComparison(search);
  const [draftVs, setDraftVs] = useState<Comparison | null>(committedVs);
  const [json, setJson] = useState<string | null>(null);
  const [preset, setPreset] = useState<TimePreset | 'custom'>(fromUrl ? 'custom' : 'last_30_days');
  const jsonId = useId();

  // A link carrying another app or org node switches the header pickers to it (only when the
  // URL changes: afterwards the pickers own the scope).
  const urlText = search.get('q');
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs per URL, on purpose.
  useEffect(() => {
    if (fromUrl && typeof fromUrl.appId === 'string' && fromUrl.appId !== scope.appId)
      scope.setAppId(fromUrl.appId);
    if (fromUrl && typeof fromUrl.orgCode === 'string' && fromUrl.orgCode !== scope.orgCode)
      scope.setOrgCode(fromUrl.orgCode);
  }, [urlText]);

  const body = useMemo<Query | null>(() => {
    if (!scope.appId) return null;
    const { orgCode: _ignored, ...rest } = committed;
    return { ...rest, appId: scope.appId, ...(scope.narrowTo ? { orgCode: scope.narrowTo } : {}) };
  }, [committed, scope.appId, scope.narrowTo]);
  const options = analysisQuery(model, body);
  const result = useQuery(options);
  const common = { granularity: true, groupBy: true, filters: true, compare: false, ...view.common };
  // Where the API compares by itself (event analysis) its option is used instead of a second run.
  const previousPeriod = usePreviousPeriod(model, body, common.compare ? null : committedVs);

  const run = (next: Query) => {
    const { appId: _a, orgCode: _o, ...rest } = next;
    const q = { ...rest, appId: scope.appId, ...(scope.narrowTo ? { orgCode: scope.narrowTo } : {}) };
    setDraft(q);
    // The picked group stays while the grouping does (the same values come back); a new
    // grouping starts at 整体.
    const sameGrouping = JSON.stringify(next.groupBy) === JSON.stringify(committed.groupBy);
    navigate(urlFor(model, q, common.compare ? null : draftVs, sameGrouping ? search.get('group') : null));
  };
  const setField = (key: string, value: unknown) => {
    const next = { ...draft };
    if (value === undefined) delete next[key];
    else next[key] = value;
    setDraft(next);
  };

  return (
    <article className="analysis" aria-labelledby="analysis-title">
      <h1 id="analysis-title">{t(`model.${model}` as MessageKey)}</h1>
      <form
        className="builder"
        onSubmit={(e) => {
          e.preventDefault();
          if (json !== null) {
            try {
              run(JSON.parse(json) as Query);
              setJson(null);
            } catch {
              window.alert(t('q.invalidJson'));
            }
          } else run(draft);
        }}
      >
        <fieldset className="row">
          <legend>{t('q.dateRange')}</legend>
          <Choice
            label={t('q.dateRange')}
            value={preset}
            testId="date-preset"
            options={[
              ...PRESETS.map((p) => [p, t(`preset.${p}`)] as const),
              ['custom', t('preset.custom')] as const,
            ]}
            onChange={(p) => {
              setPreset(p);
              if (p !== 'custom') setDraft({ ...draft, ...resolveRange({ preset: p }) });
            }}
          />
          <span className="field">
            <label>
              {t('q.from')}
              <input
                type="date"
                value={String(draft.from ?? '')}
                onChange={(e) => {
                  setPreset('custom');
                  setDraft({ ...draft, from: e.target.value });
                }}
              />
            </label>
          </span>
          <span className="field">
            <label>
              {t('q.to')}
              <input
                type="date"
                value={String(draft.to ?? '')}
                onChange={(e) => {
                  setPreset('custom');
                  setDraft({ ...draft, to: e.target.value });
                }}
              />
            </label>
          </span>
          {common.granularity && (
            <Choice
              label={t('q.granularity')}
              value={String(draft.granularity ?? 'day') as (typeof GRANULARITIES)[number]}
              options={GRANULARITIES.map((g) => [g, t(`gran.${g}`)] as const)}
              onChange={(g) => setField('granularity', g)}
            />
          )}
          {!common.compare && (
            <Choice
              label={t('cmp.label')}
              value={draftVs ?? 'none'}
              testId="comparison"
              options={[
                ['none', t('cmp.none')] as const,
                ...COMPARISONS.map((c) => [c, t(`cmp.${c}`)] as const),
              ]}
              onChange={(c) => setDraftVs(c === 'none' ? null : c)}
            />
          )}
          {common.compare && (
            <span className="field">
              <label>
                <input
                  type="checkbox"
                  checked={draft.compare === true}
                  onChange={(e) => setField('compare', e.target.checked || undefined)}
                />{' '}
                {t('q.compare')}
              </label>
            </span>
          )}
        </fieldset>
        {view.Form && <view.Form query={draft} setQuery={setDraft} />}
        {common.filters && (
          <FilterEditor
            legend={t('q.filters')}
            filters={(draft.filters as Filter[] | undefined) ?? []}
            sources={view.filterSources}
            onChange={(f) => setField('filters', f.length ? f : undefined)}
          />
        )}
        {common.groupBy && (
          <GroupByEditor
            value={draft.groupBy as GroupBy[] | undefined}
            onChange={(g) => setField('groupBy', g)}
          />
        )}
        {common.groupBy && draft.groupBy !== undefined && (
          <NumberField
            label={t('q.groupLimit')}
            value={Number(draft.groupLimit ?? 10)}
            min={1}
            max={100}
            onChange={(n) => setField('groupLimit', n === 10 ? undefined : n)}
          />
        )}
        <details>
          <summary>{t('q.advanced')}</summary>
          <label htmlFor={jsonId} className="sr-only">
            {t('q.advanced')}
          </label>
          <textarea
            id={jsonId}
            rows={8}
            spellCheck={false}
            value={json ?? JSON.stringify(draft, null, 2)}
            onChange={(e) => setJson(e.target.value)}
            data-testid="query-json"
          />
        </details>
        <div className="actions">
          <button type="submit" className="primary" data-testid="run">
            {t('q.run')}
          </button>
          {result.isFetching && <span role="status">{t('state.running')}</span>}
        </div>
      </form>
      <section aria-label={t('q.chart')} className="result" data-testid="result">
        <PreviousPeriodState state={previousPeriod} />
        <QueryState
          query={result}
          queryKey={options.queryKey}
          isEmpty={(data) => view.isEmpty?.(data) ?? false}
        >
          {(data) => (
            <>
              <view.Result query={body ?? committed} result={data} previous={previousPeriod.previous} />
              <p className="meta">
                {t('q.duration')}{' '}
                {String((data as { meta?: { durationMs?: number } }).meta?.durationMs ?? '–')} ms
              </p>
            </>
          )}
        </QueryState>
      </section>
      {body && scope.can('dashboard.manage') && <SavePanel model={model} query={body} />}
    </article>
  );
}

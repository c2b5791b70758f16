// Sessions (Session 分析): sessions cut by inactivity or session id; sessions and users over time,
// duration, depth and bounce rate per period and group, entry and exit screens.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SessionResult } from '../../../../../analytics-api/src/models/session/schema.ts';
import { ComparisonTable } from '../../../components/ComparisonTable.tsx';
import { DataTable } from '../../../components/DataTable.tsx';
import { Choice, NumberField } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import { ChoicePersons, seriesPointChoices } from '../ChoicePersons.tsx';
import { groupLabel, seriesStyle } from '../chart-style.ts';
import type { ModelView, Query, ResultProps } from '../model-view.ts';
import { SessionOptions } from './session-options.tsx';

function Form({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t, lang } = useI18n();
  return (
    <fieldset className="row">
      <legend>{t('model.session')}</legend>
      <NumberField
        label={lang === 'en' ? 'Inactivity timeout (minutes)' : '会话超时（分钟）'}
        value={Number(query.sessionTimeoutMinutes ?? 30)}
        min={1}
        max={1440}
        onChange={(sessionTimeoutMinutes) => setQuery({ ...query, sessionTimeoutMinutes })}
      />
      <Choice
        label={lang === 'en' ? 'Sessions by' : '会话划分方式'}
        value={String(query.sessionMode ?? 'inactivity') as 'inactivity' | 'session_id'}
        options={[
          ['inactivity', lang === 'en' ? 'Inactivity timeout' : '按超时切分'],
          ['session_id', lang === 'en' ? "The SDK's session id" : '按 SDK 会话 ID'],
        ]}
        onChange={(sessionMode) => {
          const { sessionMode: _m, ...rest } = query;
          setQuery(sessionMode === 'inactivity' ? rest : { ...rest, sessionMode });
        }}
      />
      <SessionOptions query={query} setQuery={setQuery} />
    </fieldset>
  );
}

function Result({ query, result, compact, previous }: ResultProps) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const en = lang === 'en';
  const r = result as SessionResult;
  const p = (previous?.result as SessionResult | undefined)?.overall.total;
  const c = r.overall.total;
  const data = r.periods.map((p, k) => ({
    period: p,
    sessions: r.overall.byPeriod[k]?.sessions ?? 0,
    users: r.overall.byPeriod[k]?.users ?? 0,
  }));
  const statsRow = (label: string, s: SessionResult['overall']['total']) => [
    label,
    s.sessions,
    s.users,
    s.avgDurationSeconds,
    s.medianDurationSeconds,
    s.eventsPerSession,
    s.screensPerSession,
    s.bounceRate,
  ];
  const rows = [r.overall, ...r.groups].flatMap((x) => {
    const g = groupLabel(x.group);
    const name = (p: string) => [p, g].filter(Boolean).join(' · ');
    return [
      statsRow(name(t('col.total')), x.total),
      ...r.periods.map((p, k) => statsRow(name(p), x.byPeriod[k]!)),
    ];
  });
  const screen = (s: string | null) =>
    s === null ? (en ? '(no screen)' : '（无页面）') : s === '$others' ? (en ? 'Others' : '其他') : s;
  return (
    <>
      {previous && p && (
        <ComparisonTable
          filename="sessions-comparison.csv"
          currentRange={`${String(query.from)}~${String(query.to)}`}
          previousRange={`${previous.from}~${previous.to}`}
          figures={[
            { label: en ? 'Sessions' : '会话数', current: c.sessions, previous: p.sessions },
            { label: t('col.users'), current: c.users, previous: p.users },
            {
              label: en ? 'Average duration' : '平均时长',
              current: c.avgDurationSeconds,
              previous: p.avgDurationSeconds,
              kind: 'seconds',
            },
            {
              label: en ? 'Median duration' : '时长中位数',
              current: c.medianDurationSeconds,
              previous: p.medianDurationSeconds,
              kind: 'seconds',
            },
            {
              label: en ? 'Events per session' : '每会话事件数',
              current: c.eventsPerSession,
              previous: p.eventsPerSession,
            },
            {
              label: en ? 'Screens per session' : '每会话页面数',
              current: c.screensPerSession,
              previous: p.screensPerSession,
            },
            {
              label: en ? 'Bounce rate' : '跳出率',
              current: c.bounceRate,
              previous: p.bounceRate,
              kind: 'percent',
            },
          ]}
        />
      )}
      <figure className="chart" aria-label={`${t('q.chart')}: ${t('model.session')}`}>
        <ResponsiveContainer width="100%" height={300}>
          <LineChart data={data}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="period" />
            <YAxis tickFormatter={i18n.compact} width={70} />
            <Tooltip formatter={(v) => i18n.exact(Number(v))} />
            <Legend />
            <Line
              dataKey="sessions"
              name={en ? 'Sessions' : '会话数'}
              dot={{ r: 2 }}
              isAnimationActive={false}
              {...seriesStyle(0)}
            />
            <Line
              dataKey="users"
              name={t('col.users')}
              dot={{ r: 2 }}
              isAnimationActive={false}
              {...seriesStyle(1)}
            />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <DataTable
        caption={t('q.table')}
        filename="sessions.csv"
        testId="result-table"
        columns={[
          { header: t('col.period') },
          { header: en ? 'Sessions' : '会话数', kind: 'number' },
          { header: t('col.users'), kind: 'number' },
          { header: en ? 'Avg duration' : '平均时长', kind: 'seconds' },
          { header: en ? 'Median duration' : '时长中位数', kind: 'seconds' },
          { header: en ? 'Events / session' : '每会话事件数', kind: 'number' },
          { header: en ? 'Screens / session' : '每会话页面数', kind: 'number' },
          { header: en ? 'Bounce rate' : '跳出率', kind: 'percent' },
        ]}
        rows={rows}
      />
      {!compact && (
        <>
          <DataTable
            caption={en ? 'Entry screens' : '入口页面'}
            filename="entry-screens.csv"
            columns={[
              { header: en ? 'Screen' : '页面' },
              { header: en ? 'Sessions' : '会话数', kind: 'number' },
            ]}
            rows={r.entryScreens.map((s) => [screen(s.screen), s.sessions])}
          />
          <DataTable
            caption={en ? 'Exit screens' : '退出页面'}
            filename="exit-screens.csv"
            columns={[
              { header: en ? 'Screen' : '页面' },
              { header: en ? 'Sessions' : '会话数', kind: 'number' },
            ]}
            rows={r.exitScreens.map((s) => [screen(s.screen), s.sessions])}
          />
          <ChoicePersons
            path="/v1/analysis/session/persons"
            query={query}
            choices={seriesPointChoices(
              [r.overall, ...r.groups].map((g) => ({
                label: g.group ? groupLabel(g.group, lang) : en ? 'All sessions' : '全部会话',
                selection: g.group ? { group: g.group } : {},
                total: g.total.users,
                values: r.periods.length > 1 ? g.byPeriod.map((x) => x.users) : [],
              })),
              r.periods.length > 1 ? r.periods : [],
              i18n,
            )}
            heading={en ? 'Show the customers with sessions' : '查看有会话的用户'}
            choiceLabel={en ? 'Sessions' : '会话'}
            optionLabel={en ? 'When' : '时间'}
            testId="session-persons"
          />
        </>
      )}
    </>
  );
}

export const sessionView: ModelView = {
  defaults: () => ({ granularity: 'day', sessionTimeoutMinutes: 30 }),
  Form,
  Result,
  isEmpty: (r) => (r as SessionResult).overall.total.sessions === 0,
};

export default function SessionPage() {
  return <AnalysisFrame model="session" view={sessionView} />;
}

// Online now (实时在线): customers active in the last N minutes, total, by bank and by branch, and the
// per-minute series of the last hour; refetches every 5 seconds (the API reads fresh events).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { onlineNowQuery } from '../../api/queries.ts';
import { useScope } from '../../app/scope.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Choice } from '../../components/pickers.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

const REFRESH_MS = 5000;

export default function OnlineNowPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const scope = useScope();
  const [minutes, setMinutes] = useState(5);
  const options = onlineNowQuery(scope.appId, scope.narrowTo, minutes, REFRESH_MS);
  const online = useQuery(options);
  const orgName = (code: string) => scope.orgs.find((o) => o.code === code)?.name ?? code;
  return (
    <section aria-labelledby="online-title">
      <h1 id="online-title">{t('nav.online')}</h1>
      <Choice
        label={i18n.lang === 'en' ? 'Window' : '统计窗口'}
        value={String(minutes)}
        options={[1, 5, 15, 30, 60].map(
          (m) => [String(m), i18n.lang === 'en' ? `${m} min` : `${m} 分钟`] as const,
        )}
        onChange={(m) => setMinutes(Number(m))}
      />
      <QueryState query={online} queryKey={options.queryKey}>
        {(d) => (
          <>
            <p className="big-number" aria-live="polite">
              <span className="small">{t('online.total')}: </span>
              <span data-testid="online-total" data-value={d.total}>
                {i18n.exact(d.total)}
              </span>
            </p>
            <p className="small">
              {t('online.window', { n: d.minutes })} · {t('online.asOf')} {i18n.instant(d.asOf)}
            </p>
            <figure className="chart" aria-label={t('online.series')}>
              <ResponsiveContainer width="100%" height={220}>
                <AreaChart data={[...d.series]}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="minute" interval={9} />
                  <YAxis allowDecimals={false} width={50} />
                  <Tooltip />
                  <Area
                    dataKey="users"
                    name={t('col.users')}
                    stroke="#0072B2"
                    fill="#56B4E9"
                    isAnimationActive={false}
                  />
                </AreaChart>
              </ResponsiveContainer>
            </figure>
            <DataTable
              caption={t('online.byBank')}
              filename="online-by-bank.csv"
              testId="result-table"
              columns={[{ header: t('col.bank') }, { header: t('col.users'), kind: 'number' }]}
              rows={d.byBank.map((b) => [`${orgName(b.bankCode)} (${b.bankCode})`, b.users])}
            />
            <DataTable
              caption={t('online.byBranch')}
              filename="online-by-branch.csv"
              testId="online-by-branch"
              columns={[
                { header: t('col.bank') },
                { header: t('col.branch') },
                { header: t('col.users'), kind: 'number' },
              ]}
              rows={d.byBranch.map((b) => [
                `${orgName(b.bankCode)} (${b.bankCode})`,
                b.branchCode ? `${orgName(b.branchCode)} (${b.branchCode})` : t('online.noBranch'),
                b.users,
              ])}
            />
          </>
        )}
      </QueryState>
    </section>
  );
}

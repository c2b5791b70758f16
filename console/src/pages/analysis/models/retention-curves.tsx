// The average retention curve of two periods as two lines (rate by period k), drawn when the page
// compares periods. Lines differ by dash pattern as well as colour; the figures themselves stay
// in the tables underneath.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RetentionResult } from '../../../api/types.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { groupLabel, seriesStyle } from '../chart-style.ts';

type Average = RetentionResult['average'];

export function RetentionCurves({
  current,
  previous,
  periods,
}: {
  current: { name: string; rows: Average };
  previous: { name: string; rows: Average };
  periods: number;
}) {
  const i18n = useI18n();
  // One line per period and group (the ungrouped answer has a single average row).
  const series = [current, previous].flatMap((p) =>
    p.rows.map((row) => ({
      name: [p.name, groupLabel(row.group)].filter(Boolean).join(' · '),
      rates: row.rates,
    })),
  );
  const data = Array.from({ length: periods + 1 }, (_, k) => {
    const point: Record<string, number | null> = { k };
    series.forEach((s, i) => {
      point[`s${i}`] = s.rates[k] ?? null;
    });
    return point;
  });
  return (
    <figure
      className="chart"
      data-testid="retention-curves"
      aria-label={`${i18n.t('ret.rates')}: ${series.map((s) => s.name).join(' / ')}`}
    >
      <ResponsiveContainer width="100%" height={280}>
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="k" />
          <YAxis tickFormatter={(v) => i18n.percent(Number(v))} width={60} />
          <Tooltip formatter={(v) => i18n.percent(Number(v))} />
          <Legend />
          {series.map((s, i) => (
            <Line
              key={s.name}
              dataKey={`s${i}`}
              name={s.name}
              dot={{ r: 2 }}
              connectNulls={false}
              isAnimationActive={false}
              {...seriesStyle(i)}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

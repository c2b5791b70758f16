// One bar of customers per value or bucket with a printed tag on each bar (share, count), as the
// distribution histogram and the one-property user-property chart draw it. The figure's label
// spells the values out, so the chart is not only a picture.
import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useI18n } from '../i18n/i18n.tsx';

export interface UsersBar {
  readonly name: string;
  readonly users: number;
  readonly tag: string;
}

export function UsersBarChart({ data, height = 300 }: { data: readonly UsersBar[]; height?: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <figure
      className="chart"
      aria-label={`${t('q.chart')}: ${data.map((d) => `${d.name} ${d.users}`).join('; ')}`}
    >
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={[...data]} margin={{ top: 24 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="name" />
          <YAxis tickFormatter={i18n.compact} width={70} />
          <Tooltip formatter={(v) => i18n.exact(Number(v))} />
          <Bar dataKey="users" name={t('col.users')} fill="#0072B2" isAnimationActive={false}>
            <LabelList dataKey="tag" position="top" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

// Online now (实时在线): customers with any event in the last N minutes, total, by bank and by
// branch, and a minute-by-minute series of the last hour. Not cached (it must move within seconds
// of ingestion); reads only the last hour of the app's events, scoped and person-resolved, under
// the analyses' time and memory limits.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IANAZone } from 'luxon';
import { ApiError } from '../../errors/catalogue.ts';
import { PERSON_OVERRIDES_IN_FORCE } from '../../identity/resolved-person-sql.ts';
import { orgScopeCondition } from '../../permissions/org-scope.ts';
import { rowsUnderLimits } from '../common/query-limits.ts';
import { DEFAULT_TIME_ZONE } from '../common/run-analysis.ts';

export const OnlineNowQuerySchema = Type.Object(
  {
    appId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
    orgCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: 5 })),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, default: DEFAULT_TIME_ZONE })),
  },
  { additionalProperties: false },
);

export const OnlineNowResultSchema = Type.Object({
  minutes: Type.Integer(),
  asOf: Type.String({ description: 'ISO instant the figures were computed for' }),
  total: Type.Integer(),
  byBank: Type.Array(Type.Object({ bankCode: Type.String(), users: Type.Integer() })),
  /** By branch within each bank; branchCode '' for events recorded without a branch. */
  byBranch: Type.Array(
    Type.Object({ bankCode: Type.String(), branchCode: Type.String(), users: Type.Integer() }),
  ),
  /** The last 60 minutes, oldest first; minute is 'HH:mm' in the time zone. */
  series: Type.Array(Type.Object({ minute: Type.String(), users: Type.Integer() })),
});

export const onlineNowRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/online-now',
    {
      config: { permission: 'analysis.run' },
      schema: {
        tags: ['analysis'],
        summary:
          'Customers active in the last N minutes, by bank and branch, and per minute over the last hour',
        querystring: OnlineNowQuerySchema,
        response: { 200: OnlineNowResultSchema },
      },
    },
    async (request) => {
      const { appId, minutes = 5, timeZone = DEFAULT_TIME_ZONE } = request.query;
      if (!IANAZone.isValidZone(timeZone)) {
        throw new ApiError(
          'VALIDATION_FAILED',
          `timeZone "${timeZone}" is not an IANA time zone`,
          'timeZone',
        );
      }
      const scope = orgScopeCondition(request.orgScope, 'e');
      const now = Date.now();
      const source = `
        SELECT if(po.new_person_id = 0, e.person_id, po.new_person_id) AS person, e.bank_code AS bank_code,
               e.branch_code AS branch_code, toUnixTimestamp64Milli(e.time) AS t
        FROM events AS e
        LEFT JOIN (${PERSON_OVERRIDES_IN_FORCE}) AS po ON e.person_id = po.old_person_id
        WHERE e.app_id = {app:String} AND ${scope.sql}
          AND e.time >= fromUnixTimestamp64Milli({hourStart:Int64}) AND e.time <= fromUnixTimestamp64Milli({now:Int64})`;
      const params = {
        ...scope.params,
        app: appId,
        now,
        hourStart: now - 60 * 60_000,
        since: now - minutes * 60_000,
        tz: timeZone,
      };
      const query = <T>(sql: string) =>
        rowsUnderLimits<T>(app.clickhouse, app.config.clickhouse, { sql, params });
      const [totals, byBank, byBranch, series] = await Promise.all([
        query<{ users: number }>(`SELECT uniqExactIf(person, t >= {since:Int64}) AS users FROM (${source})`),
        query<{ bankCode: string; users: number }>(
          `SELECT bank_code AS bankCode, uniqExact(person) AS users FROM (${source}) WHERE t >= {since:Int64}
           GROUP BY bank_code ORDER BY users DESC, bankCode`,
        ),
        query<{ bankCode: string; branchCode: string; users: number }>(
          `SELECT bank_code AS bankCode, branch_code AS branchCode, uniqExact(person) AS users
           FROM (${source}) WHERE t >= {since:Int64}
           GROUP BY bank_code, branch_code ORDER BY users DESC, bankCode, branchCode`,
        ),
        query<{ minute: string; users: number }>(
          `SELECT formatDateTime(toStartOfMinute(fromUnixTimestamp64Milli(t)), '%H:%i', {tz:String}) AS minute,
                  intDiv(t, 60000) AS m, uniqExact(person) AS users
           FROM (${source}) GROUP BY m, minute ORDER BY m`,
        ),
      ]);
      const perMinute = new Map(series.map((s) => [s.minute, s.users]));
      const fmt = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
      const minutesAxis = Array.from({ length: 60 }, (_, i) => fmt.format(new Date(now - (59 - i) * 60_000)));
      await request.audit('analysis.run', { model: 'online-now', query: request.query, rows: byBank.length });
      return {
        minutes,
        asOf: new Date(now).toISOString(),
        total: totals[0]?.users ?? 0,
        byBank,
        byBranch,
        series: minutesAxis.map((minute) => ({ minute, users: perMinute.get(minute) ?? 0 })),
      };
    },
  );
};

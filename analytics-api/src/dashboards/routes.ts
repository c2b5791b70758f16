// /v1/dashboards: saved analyses (/analyses) and dashboards (/) owned by org nodes. Reading needs
// analysis.run (viewers open boards), writing dashboard.manage. Every statement is filtered by the
// caller's org path (visibility.ts): a caller sees what their node and its ancestors own, and
// changes only what their own node owns.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/catalogue.ts';
import { sealSavedQuery } from './check-query.ts';
import {
  deleteDashboard,
  getDashboard,
  insertDashboard,
  listDashboards,
  updateDashboard,
} from './dashboard-store.ts';
import { ensureOverviewBoard } from './overview-board.ts';
import {
  deleteSavedAnalysis,
  getSavedAnalyses,
  insertSavedAnalysis,
  listSavedAnalyses,
  type Owner,
  updateSavedAnalysis,
} from './saved-analysis-store.ts';
import {
  Dashboard,
  DashboardInput,
  DashboardWithAnalyses,
  IdParam,
  SavedAnalysis,
  SavedAnalysisInput,
} from './schema.ts';

export const dashboardsPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const pool = app.metadata.pool;
  const owner = (p: { orgCode: string; orgPath: string; name: string }): Owner => ({
    orgCode: p.orgCode,
    orgPath: p.orgPath,
    name: p.name,
  });
  /** Cards may only show analyses the caller can see; otherwise the board would leak or break. */
  const checkCards = async (callerPath: string, input: DashboardInput) => {
    const ids = [...new Set(input.cards.map((c) => c.analysisId))];
    const found = new Set((await getSavedAnalyses(pool, callerPath, ids)).map((a) => a.id));
    const missing = ids.find((id) => !found.has(id));
    if (missing !== undefined) throw new ApiError('SAVED_ANALYSIS_NOT_FOUND', String(missing), 'cards');
  };

  app.get(
    '/analyses',
    {
      config: { permission: 'analysis.run' },
      schema: {
        tags: ['dashboards'],
        response: { 200: Type.Object({ analyses: Type.Array(SavedAnalysis) }) },
      },
    },
    async (request) => ({ analyses: await listSavedAnalyses(pool, request.principal.orgPath) }),
  );

  app.get(
    '/analyses/:id',
    {
      config: { permission: 'analysis.run' },
      schema: { tags: ['dashboards'], params: IdParam, response: { 200: SavedAnalysis } },
    },
    async (request) => {
      const [found] = await getSavedAnalyses(pool, request.principal.orgPath, [request.params.id]);
      if (!found) throw new ApiError('SAVED_ANALYSIS_NOT_FOUND', String(request.params.id), 'id');
      return found;
    },
  );

  app.post(
    '/analyses',
    {
      config: { permission: 'dashboard.manage' },
      schema: { tags: ['dashboards'], body: SavedAnalysisInput, response: { 201: SavedAnalysis } },
    },
    async (request, reply) => {
      const input = await sealSavedQuery(pool, app.keyring, request.body);
      const id = await insertSavedAnalysis(pool, owner(request.principal), input);
      await request.audit('analysis.save', { id, model: request.body.model, name: request.body.name });
      const [saved] = await getSavedAnalyses(pool, request.principal.orgPath, [id]);
      return reply.status(201).send(saved!);
    },
  );

  app.put(
    '/analyses/:id',
    {
      config: { permission: 'dashboard.manage' },
      schema: {
        tags: ['dashboards'],
        params: IdParam,
        body: SavedAnalysisInput,
        response: { 200: SavedAnalysis },
      },
    },
    async (request) => {
      const input = await sealSavedQuery(pool, app.keyring, request.body);
      const path = request.principal.orgPath;
      if (!(await updateSavedAnalysis(pool, path, request.params.id, input)))
        throw new ApiError(
          'SAVED_ANALYSIS_NOT_FOUND',
          `${request.params.id} (not owned by your org node)`,
          'id',
        );
      await request.audit('analysis.save', {
        id: request.params.id,
        model: request.body.model,
        name: request.body.name,
      });
      return (await getSavedAnalyses(pool, path, [request.params.id]))[0]!;
    },
  );

  app.delete(
    '/analyses/:id',
    { config: { permission: 'dashboard.manage' }, schema: { tags: ['dashboards'], params: IdParam } },
    async (request, reply) => {
      if (!(await deleteSavedAnalysis(pool, request.principal.orgPath, request.params.id)))
        throw new ApiError(
          'SAVED_ANALYSIS_NOT_FOUND',
          `${request.params.id} (not owned by your org node)`,
          'id',
        );
      await request.audit('analysis.delete', { id: request.params.id });
      return reply.status(204).send();
    },
  );

  app.get(
    '/',
    {
      config: { permission: 'analysis.run' },
      schema: { tags: ['dashboards'], response: { 200: Type.Object({ dashboards: Type.Array(Dashboard) }) } },
    },
    async (request) => {
      await ensureOverviewBoard(pool, request.principal.orgPath);
      return { dashboards: await listDashboards(pool, request.principal.orgPath) };
    },
  );

  app.get(
    '/:id',
    {
      config: { permission: 'analysis.run' },
      schema: { tags: ['dashboards'], params: IdParam, response: { 200: DashboardWithAnalyses } },
    },
    async (request) => {
      const path = request.principal.orgPath;
      const board = await getDashboard(pool, path, request.params.id);
      if (!board) throw new ApiError('DASHBOARD_NOT_FOUND', String(request.params.id), 'id');
      const analyses = await getSavedAnalyses(
        pool,
        path,
        board.cards.map((c) => c.analysisId),
      );
      return { ...board, analyses };
    },
  );

  app.post(
    '/',
    {
      config: { permission: 'dashboard.manage' },
      schema: { tags: ['dashboards'], body: DashboardInput, response: { 201: Dashboard } },
    },
    async (request, reply) => {
      const path = request.principal.orgPath;
      await checkCards(path, request.body);
      const id = await insertDashboard(pool, owner(request.principal), request.body);
      await request.audit('dashboard.create', {
        id,
        name: request.body.name,
        cards: request.body.cards.length,
      });
      return reply.status(201).send((await getDashboard(pool, path, id))!);
    },
  );

  app.put(
    '/:id',
    {
      config: { permission: 'dashboard.manage' },
      schema: { tags: ['dashboards'], params: IdParam, body: DashboardInput, response: { 200: Dashboard } },
    },
    async (request) => {
      const path = request.principal.orgPath;
      await checkCards(path, request.body);
      if (!(await updateDashboard(pool, path, request.params.id, request.body)))
        throw new ApiError('DASHBOARD_NOT_FOUND', `${request.params.id} (not owned by your org node)`, 'id');
      await request.audit('dashboard.update', { id: request.params.id, name: request.body.name });
      return (await getDashboard(pool, path, request.params.id))!;
    },
  );

  app.delete(
    '/:id',
    { config: { permission: 'dashboard.manage' }, schema: { tags: ['dashboards'], params: IdParam } },
    async (request, reply) => {
      if (!(await deleteDashboard(pool, request.principal.orgPath, request.params.id)))
        throw new ApiError('DASHBOARD_NOT_FOUND', `${request.params.id} (not owned by your org node)`, 'id');
      await request.audit('dashboard.delete', { id: request.params.id });
      return reply.status(204).send();
    },
  );
};

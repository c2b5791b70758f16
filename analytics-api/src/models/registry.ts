// Every analysis model the API serves, one line each; routes.ts registers POST /v1/analysis/<name>
// for each. A model missing here is not reachable.

import { attributionModel } from './attribution/index.ts';
import type { AnyAnalysisModel } from './common/analysis-model.ts';
import { distributionModel } from './distribution/index.ts';
import { eventModel } from './event/index.ts';
import { funnelModel } from './funnel/index.ts';
import { funnelPersonsModel } from './funnel/persons.ts';
import { intervalModel } from './interval/index.ts';
import { ltvModel } from './ltv/index.ts';
import { pathModel } from './path/index.ts';
import { retentionModel } from './retention/index.ts';
import { sessionModel } from './session/index.ts';
import { userPropertiesModel } from './user-properties/index.ts';

export const ANALYSIS_MODELS: readonly AnyAnalysisModel[] = [
  eventModel,
  funnelModel,
  funnelPersonsModel,
  retentionModel,
  pathModel,
  attributionModel,
  ltvModel,
  distributionModel,
  intervalModel,
  sessionModel,
  userPropertiesModel,
];

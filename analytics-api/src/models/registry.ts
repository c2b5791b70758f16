// Every analysis model the API serves, one line each; routes.ts registers POST /v1/analysis/<name>
// for each. A model missing here is not reachable.

import { attributionModel } from './attribution/index.ts';
import type { AnyAnalysisModel } from './common/analysis-model.ts';
import { distributionModel } from './distribution/index.ts';
import { distributionPersonsModel } from './distribution/persons.ts';
import { eventModel } from './event/index.ts';
import { eventPersonsModel } from './event/persons.ts';
import { funnelModel } from './funnel/index.ts';
import { funnelPersonsModel } from './funnel/persons.ts';
import { intervalModel } from './interval/index.ts';
import { ltvModel } from './ltv/index.ts';
import { ltvPersonsModel } from './ltv/persons.ts';
import { pathModel } from './path/index.ts';
import { retentionModel } from './retention/index.ts';
import { retentionPersonsModel } from './retention/persons.ts';
import { sessionModel } from './session/index.ts';
import { sessionPersonsModel } from './session/persons.ts';
import { userPropertiesModel } from './user-properties/index.ts';
import { userPropertiesPersonsModel } from './user-properties/persons.ts';

export const ANALYSIS_MODELS: readonly AnyAnalysisModel[] = [
  eventModel,
  eventPersonsModel,
  funnelModel,
  funnelPersonsModel,
  retentionModel,
  retentionPersonsModel,
  pathModel,
  attributionModel,
  ltvModel,
  ltvPersonsModel,
  distributionModel,
  distributionPersonsModel,
  intervalModel,
  sessionModel,
  sessionPersonsModel,
  userPropertiesModel,
  userPropertiesPersonsModel,
];

import type { Store } from '@accessgraph/storage';
import { AccessReviewService } from './access-review-service.js';
import { ApiKeyService } from './api-key-service.js';
import { AssessmentService } from './assessment-service.js';
import { CsvPushService } from './csv-push-service.js';
import { DataSourceService } from './data-source-service.js';
import { GraphService } from './graph-service.js';
import type { Clock } from './clock.js';
import { IconService } from './icon-service.js';
import { MultipartService } from './multipart-service.js';
import { OktaSsoService } from './okta-sso-service.js';
import { PathService } from './path-service.js';
import { ProviderService } from './provider-service.js';
import { PushService } from './push-service.js';
import { QuerySpecService } from './query-spec-service.js';
import { ReadBackService } from './read-back-service.js';

/** Every use-case service, wired to one store. Routes receive this. */
export interface Services {
  store: Store;
  apiKeys: ApiKeyService;
  providers: ProviderService;
  dataSources: DataSourceService;
  icons: IconService;
  pushes: PushService;
  multipart: MultipartService;
  csvPushes: CsvPushService;
  readBack: ReadBackService;
  graph: GraphService;
  paths: PathService;
  assessments: AssessmentService;
  accessReview: AccessReviewService;
  querySpecs: QuerySpecService;
  oktaSso: OktaSsoService;
}

export function createServices(store: Store, options: { maxInflatedBytes?: number; clock?: Clock } = {}): Services {
  const providers = new ProviderService(store);
  const dataSources = new DataSourceService(store, providers);
  const pushes = new PushService(store, providers, dataSources, options.maxInflatedBytes);
  return {
    store,
    apiKeys: new ApiKeyService(store),
    providers,
    dataSources,
    icons: new IconService(store, providers),
    pushes,
    csvPushes: new CsvPushService(providers, dataSources, pushes, options.maxInflatedBytes),
    multipart: new MultipartService(store, dataSources, pushes, options.clock ? { clock: options.clock } : {}),
    readBack: new ReadBackService(store, dataSources),
    graph: new GraphService(store),
    // GraphService holds nothing but the store: the paths' own instance checks node types the same way.
    paths: new PathService(store, new GraphService(store)),
    assessments: new AssessmentService(store),
    accessReview: new AccessReviewService(store, dataSources),
    querySpecs: new QuerySpecService(store),
    oktaSso: new OktaSsoService(store),
  };
}

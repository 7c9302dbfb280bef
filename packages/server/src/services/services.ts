import type { Store } from '@accessgraph/storage';
import { ApiKeyService } from './api-key-service.js';
import { DataSourceService } from './data-source-service.js';
import { GraphService } from './graph-service.js';
import { IconService } from './icon-service.js';
import { ProviderService } from './provider-service.js';
import { PushService } from './push-service.js';
import { ReadBackService } from './read-back-service.js';

/** Every use-case service, wired to one store. Routes receive this. */
export interface Services {
  store: Store;
  apiKeys: ApiKeyService;
  providers: ProviderService;
  dataSources: DataSourceService;
  icons: IconService;
  pushes: PushService;
  readBack: ReadBackService;
  graph: GraphService;
}

export function createServices(store: Store, options: { maxInflatedBytes?: number } = {}): Services {
  const providers = new ProviderService(store);
  const dataSources = new DataSourceService(store, providers);
  return {
    store,
    apiKeys: new ApiKeyService(store),
    providers,
    dataSources,
    icons: new IconService(store, providers),
    pushes: new PushService(store, providers, dataSources, options.maxInflatedBytes),
    readBack: new ReadBackService(store, dataSources),
    graph: new GraphService(store),
  };
}

import type { Store } from '@accessgraph/storage';
import { ApiKeyService } from './api-key-service.js';
import { DataSourceService } from './data-source-service.js';
import { IconService } from './icon-service.js';
import { ProviderService } from './provider-service.js';

/** Every use-case service, wired to one store. Routes receive this. */
export interface Services {
  store: Store;
  apiKeys: ApiKeyService;
  providers: ProviderService;
  dataSources: DataSourceService;
  icons: IconService;
}

export function createServices(store: Store): Services {
  const providers = new ProviderService(store);
  return {
    store,
    apiKeys: new ApiKeyService(store),
    providers,
    dataSources: new DataSourceService(store, providers),
    icons: new IconService(store, providers),
  };
}

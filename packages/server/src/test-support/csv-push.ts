import { gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import type { CsvMappingConfiguration, CustomTemplate, DataSource, Provider } from '@accessgraph/contract';
import { createDataSource, createProvider } from './fixtures.js';
import { expectValue, expectValues } from './http-expect.js';
import { pushUrl } from './push.js';
import type { TestApp } from './test-app.js';

/** A provider created with a CSV mapping, one data source, and its `:push_csv` URL. */
export async function csvTarget(t: TestApp, template: CustomTemplate, mapping: CsvMappingConfiguration | undefined, name = `CSV ${Math.random().toString(36).slice(2, 8)}`) {
  const provider: Provider = await createProvider(t, name, template, mapping ? { csv_mapping_configuration: mapping } : {});
  const dataSource: DataSource = await createDataSource(t, provider.id, 'Prod');
  return { provider, dataSource, url: `${pushUrl(provider.id, dataSource.id).replace(/:push$/, '')}:push_csv` };
}

/** Pushes a CSV file's text, base64-encoded (gzipped first with compression GZIP). */
export function pushCsv(t: TestApp, url: string, csv: string, extra: Record<string, unknown> = {}, key?: string): Promise<LightMyRequestResponse> {
  const gzip = typeof extra.compression_type === 'string' && extra.compression_type.toUpperCase() === 'GZIP';
  const bytes = gzip ? gzipSync(Buffer.from(csv, 'utf8')) : Buffer.from(csv, 'utf8');
  return t.call({ method: 'POST', url, payload: { csv_data: bytes.toString('base64'), ...extra }, ...(key ? { key } : {}) });
}

interface NodeSummary {
  id: string;
  type: string;
  key: string;
}

/**
 * A data source's graph as the API shows it, without what names the data source itself: each
 * node's type, node type, key, name, properties, tags and neighbour counts, ordered by type and key.
 */
export async function graphOf(t: TestApp, dataSourceId: string): Promise<unknown[]> {
  const nodes = expectValues<NodeSummary>(await t.call({ url: `/api/v1/graph/nodes?data_source_id=${dataSourceId}&page_size=1000` })).values;
  const details = [];
  for (const node of nodes) {
    const full = expectValue<Record<string, unknown>>(await t.call({ url: `/api/v1/graph/nodes/${node.id}` }));
    const { type, node_type, key, name, application, properties, tags, neighbours } = full;
    details.push({ type, node_type, key, name, application, properties, tags, neighbours });
  }
  return details.sort((a, b) => `${String(a.type)} ${String(a.key)}`.localeCompare(`${String(b.type)} ${String(b.key)}`));
}

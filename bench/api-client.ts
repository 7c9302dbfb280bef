import http from 'node:http';

export interface ApiResponse {
  status: number;
  text: string;
  /** From the first byte sent to the last byte received. */
  ms: number;
}

/** One HTTP request to the server under test; a Buffer body is sent as is, an object as JSON. */
export function request(url: string, options: { key: string; method?: string; body?: Buffer | object; timeoutMs?: number }): Promise<ApiResponse> {
  const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, {
      method: options.method ?? (body ? 'POST' : 'GET'),
      headers: {
        authorization: `Bearer ${options.key}`,
        ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
      },
      timeout: options.timeoutMs ?? 600_000,
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${options.timeoutMs ?? 600_000} ms`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
    });
    req.end(body);
  });
}

/** A JSON request whose answer must be 2xx; returns the parsed body. */
export async function requestJson<T>(url: string, key: string, body?: object): Promise<T> {
  const res = await request(url, { key, ...(body ? { body } : {}), timeoutMs: 60_000 });
  if (res.status < 200 || res.status >= 300) throw new Error(`${body ? 'POST' : 'GET'} ${url} answered ${res.status}: ${res.text.slice(0, 500)}`);
  return JSON.parse(res.text) as T;
}

export interface BenchDataSource {
  providerId: string;
  dataSourceId: string;
  /** The data source's base path, e.g. /api/v1/providers/custom/<id>/datasources/<id>. */
  path: string;
}

/** A provider of the template (a Custom Application by default), created once per server. */
export async function createProvider(baseUrl: string, key: string, template = 'application', name = 'Bench'): Promise<string> {
  const created = await requestJson<{ value: { id: string } }>(`${baseUrl}/api/v1/providers/custom`, key, { name, custom_template: template });
  return created.value.id;
}

export async function createDataSource(baseUrl: string, key: string, providerId: string, name: string): Promise<BenchDataSource> {
  const created = await requestJson<{ value: { id: string } }>(`${baseUrl}/api/v1/providers/custom/${providerId}/datasources`, key, { name });
  const dataSourceId = created.value.id;
  return { providerId, dataSourceId, path: `/api/v1/providers/custom/${providerId}/datasources/${dataSourceId}` };
}

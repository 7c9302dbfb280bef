import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { DataSource, PushRecord } from '@accessgraph/contract';
import { dataSourceUrl } from '../test-support/fixtures.js';
import { expectEmpty, expectError, expectValue, expectValues } from '../test-support/http-expect.js';
import { allEffective, payloadFixture, push, pushTarget } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
afterEach(async () => {
  await t.close();
});

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const MINUTE = 60_000;

/** A server whose multipart uploads read a clock the test moves. */
async function appWithClock(options: { bodyLimit?: number } = {}) {
  const clock = { now: T0 };
  t = await createTestApp({ clock: () => new Date(clock.now), ...options });
  return clock;
}

/** A data source to push to, with its `:parts` and `:push` URLs. */
async function target() {
  const { provider, dataSource, url } = await pushTarget(t);
  return { provider, dataSource, pushUrl: url, url: url.replace(/:push$/, ':parts') };
}

function parts(url: string, payload: Record<string, unknown>, key?: string): Promise<LightMyRequestResponse> {
  return t.call({ method: 'POST', url, payload, ...(key ? { key } : {}) });
}

async function start(url: string): Promise<string> {
  const res = await parts(url, { operation: 'start' });
  expect(res.statusCode).toBe(200);
  const body = res.json<{ upload_id: string }>();
  expect(Object.keys(body)).toEqual(['upload_id']);
  expect(body.upload_id).toMatch(/^[0-9a-f-]{36}$/);
  return body.upload_id;
}

function upload(url: string, uploadId: string, sequenceNumber: number, chunk: Uint8Array | string): Promise<LightMyRequestResponse> {
  const data = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('base64');
  return parts(url, { operation: 'upload', upload_id: uploadId, sequence_number: sequenceNumber, data });
}

function complete(url: string, uploadId: string, sequenceCount: number): Promise<LightMyRequestResponse> {
  return parts(url, { operation: 'complete', upload_id: uploadId, sequence_count: sequenceCount });
}

/** The bytes cut at the given offsets, as oaaclient cuts its UTF-8 string (anywhere, characters too). */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const bounds = [0, ...offsets, bytes.length];
  return bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end));
}

/** Uploads the chunks in the given order (1-based numbers), each answered `{}`. */
async function uploadAll(url: string, uploadId: string, chunks: Buffer[], order: number[] = chunks.map((_, i) => i + 1)): Promise<void> {
  for (const n of order) expectEmpty(await upload(url, uploadId, n, chunks[n - 1]!));
}

/** Start, chunks out of order, complete: the client's whole flow; returns the complete answer. */
async function multipartPush(url: string, bytes: Buffer, offsets: number[]): Promise<LightMyRequestResponse> {
  const id = await start(url);
  const chunks = cut(bytes, offsets);
  await uploadAll(url, id, chunks, chunks.map((_, i) => i + 1).reverse());
  return complete(url, id, chunks.length);
}

async function dataSourceOf(providerId: string, id: string): Promise<DataSource> {
  return expectValue<DataSource>(await t.call({ url: dataSourceUrl(providerId, id) }));
}

async function historyOf(providerId: string, id: string): Promise<PushRecord[]> {
  return expectValues<PushRecord>(await t.call({ url: `${dataSourceUrl(providerId, id)}/pushes` })).values;
}

/** The seed sample with names that have multi-byte UTF-8 characters: é (2 bytes) and 😀 (4 bytes). */
function unicodePayload(): Record<string, unknown> {
  const text = JSON.stringify(payloadFixture('seed-app-simple.json'), null, 1);
  return JSON.parse(text.replace('"name": "bob"', '"name": "Zoé 😀 bob"')) as Record<string, unknown>;
}

/** What an effective-permissions read-back shows, data source ids left out. */
async function readBack(providerId: string, dataSourceId: string) {
  return (await allEffective(t, providerId, dataSourceId)).map((r) => ({ principal: [r.principal.key, r.principal.name], target: r.target.key, permissions: r.permissions, paths: r.paths.length }));
}

describe('POST .../datasources/{id}:parts', () => {
  it('start, uploads out of order, complete: the same answer, state and history as a :push of the payload', async () => {
    await appWithClock();
    const viaPush = await target();
    const viaParts = await target();
    const payload = payloadFixture('seed-app-simple.json');
    const pushed = await push(t, viaPush.pushUrl, payload);
    expect(pushed.statusCode).toBe(200);

    const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
    const res = await multipartPush(viaParts.url, bytes, [100, 200, 700]);
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json())).toEqual(['warnings']);
    expect(res.json()).toEqual(pushed.json());
    expect(res.json<{ warnings: unknown[] }>().warnings).toHaveLength(2);

    const rows = await readBack(viaParts.provider.id, viaParts.dataSource.id);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(await readBack(viaPush.provider.id, viaPush.dataSource.id));
    expect(await dataSourceOf(viaParts.provider.id, viaParts.dataSource.id)).toMatchObject({ status: 'SUCCESS', last_push_warnings: 2 });
    const [record] = await historyOf(viaParts.provider.id, viaParts.dataSource.id);
    expect(record).toMatchObject({ outcome: 'SUCCESS', size_bytes: bytes.length, compression: 'none' });
  });

  it('joins chunks as bytes: chunk boundaries inside é and 😀 reassemble to the same names', async () => {
    await appWithClock();
    const { provider, dataSource, url } = await target();
    const bytes = Buffer.from(JSON.stringify(unicodePayload()), 'utf8');
    const e = bytes.indexOf(Buffer.from('é'));
    const emoji = bytes.indexOf(Buffer.from('😀'));
    expect(e).toBeGreaterThan(0);
    // One cut between the two bytes of é, two inside the four bytes of the emoji.
    const res = await multipartPush(url, bytes, [e + 1, emoji + 1, emoji + 3]);
    expect(res.statusCode).toBe(200);
    const rows = await readBack(provider.id, dataSource.id);
    expect(rows.filter((r) => r.principal[0] === '0000000001').map((r) => r.principal[1])).toEqual(['Zoé 😀 bob', 'Zoé 😀 bob']);
  });

  it('gunzips assembled bytes that start with the gzip magic 1F 8B', async () => {
    await appWithClock();
    const viaPush = await target();
    const viaParts = await target();
    const payload = unicodePayload();
    const gzipped = gzipSync(Buffer.from(JSON.stringify(payload), 'utf8'));
    const res = await multipartPush(viaParts.url, gzipped, [2, 50, 51]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual((await push(t, viaPush.pushUrl, payload)).json());
    expect(await readBack(viaParts.provider.id, viaParts.dataSource.id)).toEqual(await readBack(viaPush.provider.id, viaPush.dataSource.id));
    expect((await historyOf(viaParts.provider.id, viaParts.dataSource.id))[0]).toMatchObject({ outcome: 'SUCCESS', compression: 'GZIP' });
  });

  it('a re-upload of a sequence number replaces that chunk', async () => {
    await appWithClock();
    const { provider, dataSource, url } = await target();
    const chunks = cut(Buffer.from(JSON.stringify(payloadFixture('seed-app-simple.json')), 'utf8'), [300]);
    const id = await start(url);
    expectEmpty(await upload(url, id, 2, Buffer.from('garbage that would not parse')));
    await uploadAll(url, id, chunks);
    expect((await complete(url, id, 2)).statusCode).toBe(200);
    expect(await dataSourceOf(provider.id, dataSource.id)).toMatchObject({ status: 'SUCCESS' });
  });

  it('needs the writer role', async () => {
    await appWithClock();
    const { url } = await target();
    expectError(await parts(url, { operation: 'start' }, t.keys.reader), { status: 403, code: 'PermissionDenied', reason: 'PERMISSION_DENIED' });
    expect((await parts(url, { operation: 'start' }, t.keys.writer)).statusCode).toBe(200);
  });

  it('takes a chunk of oaaclient\'s default part size (50 MB, 66.7 MB in base64)', async () => {
    await appWithClock();
    const { url } = await target();
    const id = await start(url);
    const chunk = Buffer.alloc(50_000_000, 0x20);
    expectEmpty(await upload(url, id, 1, chunk));
    expect(await t.store.getUpload(id)).toMatchObject({ parts: [{ sequenceNumber: 1, sizeBytes: 50_000_000 }] });
  });

  it('takes a chunk as large as a push body, beyond the limit of other routes', async () => {
    await appWithClock({ bodyLimit: 64 * 1024 });
    const { url } = await target();
    const id = await start(url);
    expectEmpty(await upload(url, id, 1, Buffer.alloc(80 * 1024, 0x20)));
    expectError(await upload(url, id, 2, Buffer.alloc(100 * 1024, 0x20)), { status: 413, code: 'ResourceExhausted', reason: 'BODY_TOO_LARGE' });
  });
});

describe('POST .../datasources/{id}:parts refusals', () => {
  it('answers 404 to an unknown upload id, and to one of another data source', async () => {
    await appWithClock();
    const { url } = await target();
    const other = await target();
    const unknown = randomUUID();
    const body = expectError(await upload(url, unknown, 1, Buffer.from('{}')), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expect(body.message).toContain(unknown);
    expectError(await complete(url, unknown, 1), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    const foreign = await start(other.url);
    expectError(await upload(url, foreign, 1, Buffer.from('{}')), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
  });

  it('answers 404 to a finished upload id, for a chunk and for a second complete', async () => {
    await appWithClock();
    const { url } = await target();
    const id = await start(url);
    await uploadAll(url, id, [Buffer.from(JSON.stringify(payloadFixture('seed-app-simple.json')))]);
    expect((await complete(url, id, 1)).statusCode).toBe(200);
    const again = expectError(await complete(url, id, 1), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expect(again.message).toMatch(/already completed/);
    expect(expectError(await upload(url, id, 2, Buffer.from('x')), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' }).message).toMatch(/already completed/);
  });

  it('refuses a complete with a missing chunk, naming its number, and keeps the upload for a retry', async () => {
    await appWithClock();
    const { provider, dataSource, url } = await target();
    const chunks = cut(Buffer.from(JSON.stringify(payloadFixture('seed-app-simple.json'))), [100, 200, 300]);
    const id = await start(url);
    await uploadAll(url, id, chunks, [1, 4]);
    expectError(await complete(url, id, 4), { status: 400, code: 'FailedPrecondition', reason: 'UPLOAD_INCOMPLETE', field: 'sequence_number', description: 'chunks 2, 3 of 1..4 not uploaded' });
    expect(await dataSourceOf(provider.id, dataSource.id)).toMatchObject({ status: 'PENDING' });
    await uploadAll(url, id, chunks, [3, 2]);
    expect((await complete(url, id, 4)).statusCode).toBe(200);
  });

  it('refuses a sequence_count that does not match the chunks uploaded', async () => {
    await appWithClock();
    const { url } = await target();
    const id = await start(url);
    await uploadAll(url, id, cut(Buffer.from('{"applications":[]}'), [5, 10]));
    expectError(await complete(url, id, 2), { status: 400, code: 'FailedPrecondition', reason: 'UPLOAD_INCOMPLETE', field: 'sequence_count', description: 'chunk 3 were uploaded too' });
    expectError(await parts(url, { operation: 'complete', upload_id: id, sequence_count: 0 }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'sequence_count' });
  });

  it.each([0, 100, -1])('refuses sequence_number %i (outside 1..99)', async (n) => {
    await appWithClock();
    const { url } = await target();
    const id = await start(url);
    expectError(await upload(url, id, n, Buffer.from('{}')), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'sequence_number' });
  });

  it.each([['not base64!!'], ['abc'], ['YWJj\nZGVm'], ['YW=j']])('refuses data %j that is not base64', async (data) => {
    await appWithClock();
    const { url } = await target();
    const id = await start(url);
    expectError(await upload(url, id, 1, data), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'data', description: 'not base64' });
  });

  it('names a field an operation needs or does not take, and an unknown operation', async () => {
    await appWithClock();
    const { url } = await target();
    const id = await start(url);
    expectError(await parts(url, { operation: 'upload', upload_id: id, sequence_number: 1 }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'data', description: 'required by operation "upload"' });
    expectError(await parts(url, { operation: 'complete', upload_id: id }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'sequence_count' });
    expectError(await parts(url, { operation: 'start', upload_id: id }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'upload_id', description: 'not taken by operation "start"' });
    expectError(await parts(url, { operation: 'finish', upload_id: id }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'operation' });
  });

  it('refuses an invalid assembled payload with the push\'s JSON-path errors, leaving the graph as it was', async () => {
    await appWithClock();
    const { provider, dataSource, pushUrl, url } = await target();
    expect((await push(t, pushUrl, payloadFixture('seed-app-simple.json'))).statusCode).toBe(200);
    const before = await readBack(provider.id, dataSource.id);
    const bad = Buffer.from(JSON.stringify({ applications: [{ name: 'A', application_type: 'a', bad_property: 1 }] }));
    expectError(await multipartPush(url, bad, [10, 20]), { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAYLOAD', field: 'applications[0].bad_property', description: /unknown field/ });
    expectError(await multipartPush(url, Buffer.from('{"applications": ['), [5]), { status: 400, code: 'InvalidArgument', reason: 'INVALID_JSON_DATA', field: 'json_data', description: /not valid JSON/ });
    expectError(await multipartPush(url, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), [2]), { status: 400, code: 'InvalidArgument', reason: 'INVALID_JSON_DATA', field: 'data', description: 'not UTF-8' });
    expect(await readBack(provider.id, dataSource.id)).toEqual(before);
    expect(await dataSourceOf(provider.id, dataSource.id)).toMatchObject({ status: 'SUCCESS', last_push_warnings: 2 });
    const history = await historyOf(provider.id, dataSource.id);
    expect(history.map((r) => r.outcome)).toEqual(['REJECTED', 'REJECTED', 'SUCCESS']);
  });
});

describe('POST .../datasources/{id}:parts expiry', () => {
  it('expires an upload idle for an hour: its id then answers 404 and its chunks are deleted', async () => {
    const clock = await appWithClock();
    const { url } = await target();
    const id = await start(url);
    expectEmpty(await upload(url, id, 1, Buffer.from('{"applications"')));
    clock.now += 50 * MINUTE;
    expectEmpty(await upload(url, id, 2, Buffer.from(':[]}'))); // a chunk keeps it alive
    clock.now += 61 * MINUTE;
    const body = expectError(await complete(url, id, 2), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expect(body.message).toMatch(/expired/);
    expect(await t.store.getUpload(id)).toBeUndefined();
  });

  it('keeps an upload touched within the hour, and completes it', async () => {
    const clock = await appWithClock();
    const { url } = await target();
    const id = await start(url);
    clock.now += 59 * MINUTE;
    await uploadAll(url, id, [Buffer.from(JSON.stringify(payloadFixture('seed-app-simple.json')))]);
    clock.now += 59 * MINUTE;
    expect((await complete(url, id, 1)).statusCode).toBe(200);
  });

  it('deletes every expired upload, open or completed, when an upload starts', async () => {
    const clock = await appWithClock();
    const { url } = await target();
    const open = await start(url);
    expectEmpty(await upload(url, open, 1, Buffer.from('{}')));
    const done = await start(url);
    expectEmpty(await upload(url, done, 1, Buffer.from('{"applications":[]}')));
    await complete(url, done, 1);
    clock.now += 30 * MINUTE;
    const fresh = await start(url);
    clock.now += 31 * MINUTE;
    expect(await t.store.getUpload(open)).toBeDefined();
    await start(url);
    expect(await t.store.getUpload(open)).toBeUndefined();
    expect(await t.store.getUpload(done)).toBeUndefined();
    expect(await t.store.getUpload(fresh)).toMatchObject({ completedAt: null, parts: [] });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CsvMappingConfiguration, PushRecord } from '@accessgraph/contract';
import { csvTarget, pushCsv } from '../test-support/csv-push.js';
import { dataSourceUrl, snapshot } from '../test-support/fixtures.js';
import { expectError, expectValues, violationsOf } from '../test-support/http-expect.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/** `:push_csv` refusals: each names the CSV row and column, or the mapping's field; none changes anything. */

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const mapping: CsvMappingConfiguration = {
  application: { application_name: 'Wiki', application_type: 'wiki' },
  column_mappings: [
    { column_name: 'User Id', destination_type: 'user', destination_property: 'id' },
    { column_name: 'Name', destination_type: 'user', destination_property: 'name' },
    { column_name: 'Active', destination_type: 'user', destination_property: 'is_active' },
    { column_name: 'Created', destination_type: 'user', destination_property: 'created_at' },
  ],
};
const GOOD = 'User Id,Name,Active,Created\nu1,Bob,yes,2024-01-01\n';

async function historyOf(providerId: string, dataSourceId: string): Promise<PushRecord[]> {
  return expectValues<PushRecord>(await t.call({ url: `${dataSourceUrl(providerId, dataSourceId)}/pushes` })).values;
}

/** A data source of a provider with a CSV mapping (the application one above by default). */
function target(config: CsvMappingConfiguration = mapping, template: 'application' | 'hris' = 'application') {
  return csvTarget(t, template, config);
}

describe(':push_csv refusals of the CSV (400 InvalidArgument, INVALID_CSV_DATA)', () => {
  it('names the row and column of each bad value, and changes nothing', async () => {
    const { provider, dataSource, url } = await target();
    expect((await pushCsv(t, url, GOOD)).statusCode).toBe(200);
    const before = await snapshot(t);
    const res = await pushCsv(t, url, 'User Id,Name,Active,Created\nu1,Bob,yes,2024-01-01\n,Jane,perhaps,last week\n');
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'INVALID_CSV_DATA', field: 'row 2, column "Active"', description: '"perhaps" is not a boolean' });
    expect(violationsOf(res).map((v) => v.field)).toEqual(['row 2, column "User Id"', 'row 2, column "Active"', 'row 2, column "Created"']);
    expect(await snapshot(t)).toEqual(before);
    // Nothing was pushed, so nothing is recorded either.
    expect(await historyOf(provider.id, dataSource.id)).toHaveLength(1);
  });

  it('names a required column the header lacks', async () => {
    const { url } = await target();
    expectError(await pushCsv(t, url, 'Name,Active\nBob,yes\n'), { status: 400, code: 'InvalidArgument', reason: 'INVALID_CSV_DATA', field: 'column "User Id"', description: 'the CSV header has no column "User Id"' });
  });

  it('names the row a CSV syntax error is in', async () => {
    const { url } = await target();
    expectError(await pushCsv(t, url, 'User Id,Name,Active,Created\nu1,Bob,yes,\nu2,"Jane,no,\n'), { status: 400, code: 'InvalidArgument', reason: 'INVALID_CSV_DATA', field: 'row 2', description: 'Quote Not Closed' });
    expectError(await pushCsv(t, url, 'User Id,Name,Active,Created\nu1,Bob\n'), { status: 400, code: 'InvalidArgument', reason: 'INVALID_CSV_DATA', field: 'row 1', description: 'it has 2 fields but the header has 4' });
  });

  it.each([
    ['bad base64', { csv_data: 'not base64!' }, 'is not valid base64'],
    ['an empty file', { csv_data: '' }, 'is empty'],
    ['a header alone', { csv_data: Buffer.from('User Id,Name\n').toString('base64') }, 'no data rows'],
    ['GZIP of something that is not gzip', { csv_data: Buffer.from(GOOD).toString('base64'), compression_type: 'GZIP' }, 'not valid gzip'],
  ])('refuses %s on csv_data', async (_, body, description) => {
    const { url } = await target();
    expectError(await t.call({ method: 'POST', url, payload: body }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_CSV_DATA', field: 'csv_data', description });
  });

  it('refuses a body without csv_data, or with a field the endpoint does not take', async () => {
    const { url } = await target();
    expectError(await t.call({ method: 'POST', url, payload: {} }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'csv_data' });
    expectError(await t.call({ method: 'POST', url, payload: { csv_data: 'YQ==', json_data: '{}' } }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'json_data' });
  });
});

describe(':push_csv refusals by the payload validation, told in CSV terms', () => {
  it('names the row and column a payload problem came from, with its payload path, and records the push as rejected', async () => {
    const { provider, dataSource, url } = await target();
    expect((await pushCsv(t, url, GOOD)).statusCode).toBe(200);
    const before = await snapshot(t);
    const res = await pushCsv(t, url, `User Id,Name,Active,Created\nu1,Bob,yes,\nu2,${'x'.repeat(300)},no,\n`);
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAYLOAD', field: 'row 2, column "Name"', description: 'the limit is 256 bytes (payload path applications[0].local_users[1].name)' });
    expect(await snapshot(t)).toEqual(before);
    expect((await historyOf(provider.id, dataSource.id))[0]).toMatchObject({ outcome: 'REJECTED' });
  });

  it('names the cell of an HRIS reference the template refuses', async () => {
    const hris: CsvMappingConfiguration = {
      column_mappings: [
        { column_name: 'id', destination_type: 'employee', destination_property: 'id' },
        { column_name: 'manager', destination_type: 'employee', destination_property: 'managers' },
      ],
    };
    const { url } = await target(hris, 'hris');
    expectError(await pushCsv(t, url, 'id,manager\ne1,\ne2,e2\n'), { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAYLOAD', field: 'row 2, column "manager"', description: 'its own manager' });
  });

  it('keeps the push\'s answer to a body id that differs from the path', async () => {
    const { url } = await target();
    expectError(await pushCsv(t, url, GOOD, { data_source_id: '00000000-0000-4000-8000-000000000000' }), { status: 400, code: 'InvalidArgument', reason: 'ID_MISMATCH', field: 'data_source_id' });
  });
});

describe(':push_csv and the provider\'s mapping (400 FailedPrecondition, CSV_MAPPING_UNUSABLE)', () => {
  it('refuses a provider created without csv_mapping_configuration', async () => {
    const { url } = await csvTarget(t, 'application', undefined);
    expectError(await pushCsv(t, url, GOOD), { status: 400, code: 'FailedPrecondition', reason: 'CSV_MAPPING_UNUSABLE', field: 'csv_mapping_configuration', description: 'has no csv_mapping_configuration' });
  });

  it('names the field of a mapping that cannot work', async () => {
    const { url } = await csvTarget(t, 'application', { column_mappings: [{ column_name: 'User Id', destination_type: 'account', destination_property: 'id' }] });
    expectError(await pushCsv(t, url, GOOD), {
      status: 400,
      code: 'FailedPrecondition',
      reason: 'CSV_MAPPING_UNUSABLE',
      field: 'csv_mapping_configuration.column_mappings[0].destination_type',
      description: '"account" is not a destination of the application template',
    });
  });

  it('answers 404 for an unknown data source before looking at the CSV', async () => {
    const { provider } = await csvTarget(t, 'application', mapping);
    const url = `${dataSourceUrl(provider.id, '00000000-0000-4000-8000-000000000000')}:push_csv`;
    expectError(await pushCsv(t, url, 'garbage'), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
  });

  it('takes a writer key, not a reader key', async () => {
    const { url } = await target();
    expect((await pushCsv(t, url, GOOD, {}, t.keys.writer)).statusCode).toBe(200);
    expectError(await pushCsv(t, url, GOOD, {}, t.keys.reader), { status: 403, code: 'PermissionDenied', reason: 'PERMISSION_DENIED' });
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, startWithKey, useCleanup } from './support/cli.js';

/**
 * The official Python client, unmodified, against a real server over HTTPS. Its code is not part
 * of this repository: point OAACLIENT_SRC at a checkout of Veza/oaaclient-py (the folder holding
 * the `oaaclient` package); Python 3 with `requests` must be installed.
 */
const source = process.env.OAACLIENT_SRC;
const skipReason = !source
  ? 'OAACLIENT_SRC is not set (a checkout of Veza/oaaclient-py; see docs/development.md)'
  : !existsSync(join(source, 'oaaclient', 'client.py'))
    ? `OAACLIENT_SRC=${source} holds no oaaclient/client.py`
    : undefined;

const SCRIPT = `
import json, os, sys
from oaaclient.client import OAAClient, OAAResponseError
url, key = sys.argv[1], sys.argv[2]
client = OAAClient(url=url, api_key=key)
out = {}
p = client.create_provider("OAA Client Test", "application", options={"external_lifecycle_management_type": "SCIM"})
out["state"] = p["state"]
out["lookup"] = client.get_provider("oaa client test")["id"] == p["id"]
out["missing"] = [client.get_provider_by_id("00000000-0000-0000-0000-000000000000"), client.get_provider_by_id("nope")]
ds = client.create_data_source("DS One", p["id"])
out["ds_lookup"] = client.get_data_source("ds one", p["id"])["id"] == ds["id"]
out["ds_count"] = len(client.get_data_sources(p["id"]))
out["provisioning"] = client.update_provisioning_status(p["id"], True)["value"]["provisioning"]
try:
    client.create_provider("OAA Client Test", "application")
except OAAResponseError as e:
    out["duplicate"] = [e.error, e.status_code, e.details[0]["field_violations"][0]["field"]]
out["delete_ds"] = client.delete_data_source(ds["id"], p["id"])
out["delete_provider"] = client.delete_provider(p["id"])
try:
    OAAClient(url=url, api_key="not-a-key")
except OAAResponseError as e:
    out["bad_key"] = e.status_code
print(json.dumps(out))
`;

/**
 * oaaclient's own sample apps (its tests/generate_app*.py), pushed with and without compression.
 * Veza answered 6 and 5 warnings to them live; the effective permissions of generate_app() are
 * the hand-worked golden table of spec §13.4.
 */
const PUSH_SCRIPT = `
import json, sys
sys.path.insert(0, sys.argv[3] + "/tests")
from oaaclient.client import OAAClient
from generate_app import generate_app
from generate_app_id_mapping import generate_app_id_mapping
client = OAAClient(url=sys.argv[1], api_key=sys.argv[2])
out = {}
for name, gen in [("gen app", generate_app), ("gen id map", generate_app_id_mapping)]:
    client.create_provider(name, "application")
    for compress in (False, True):
        client.enable_compression = compress
        res = client.push_application(name, data_source_name=f"ds {compress}", application_object=gen(), create_provider=False)
        out[f"{name} {compress}"] = [w["message"] for w in res["warnings"]]
p = client.get_provider("gen app")
ds = client.get_data_source("ds True", p["id"])
rows = client.api_get(f"/api/v1/providers/custom/{p['id']}/datasources/{ds['id']}/effective_permissions", params={"page_size": 3})
out["effective"] = [[r["principal"]["key"], r["target"]["key"], r["permissions"]] for r in rows]
print(json.dumps(out))
`;

describe.skipIf(skipReason !== undefined)(
  skipReason ? `oaaclient (skipped: ${skipReason})` : 'the official oaaclient against a real server',
  () => {
    useCleanup();

    it('creates, finds, patches and deletes providers and data sources over HTTPS', async () => {
      const { server, dataDir, key } = await startWithKey(['--tls', 'self-signed']);
      const host = server.url.replace('127.0.0.1', 'localhost');
      const result = await run('python3', ['-c', SCRIPT, host, key], {
        env: {
          ...process.env,
          PYTHONPATH: source!,
          REQUESTS_CA_BUNDLE: join(dataDir, 'tls', 'self-signed-cert.pem'),
          OAA_API_RETRIES: '0',
        },
      });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        state: 'ENABLED',
        lookup: true,
        missing: [null, null],
        ds_lookup: true,
        ds_count: 1,
        provisioning: true,
        duplicate: ['InvalidArgument', 400, 'name'],
        delete_ds: {},
        delete_provider: {},
        bad_key: 401,
      });
    });

    it('pushes its generated sample apps and gets Veza\'s warnings and the golden effective permissions', async () => {
      const { server, dataDir, key } = await startWithKey(['--tls', 'self-signed']);
      const host = server.url.replace('127.0.0.1', 'localhost');
      const result = await run('python3', ['-c', PUSH_SCRIPT, host, key, source!], {
        env: { ...process.env, PYTHONPATH: source!, REQUESTS_CA_BUNDLE: join(dataDir, 'tls', 'self-signed-cert.pem'), OAA_API_RETRIES: '0' },
        timeoutMs: 60_000,
      });
      expect(result.stderr).toBe('');
      const out = JSON.parse(result.stdout) as Record<string, unknown>;
      for (const compressed of ['False', 'True']) {
        const app = out[`gen app ${compressed}`] as string[];
        expect(app).toHaveLength(6);
        expect(app.every((m) => m.startsWith('Role is missing permission') || m.startsWith('Cannot find identity by names'))).toBe(true);
        const idMap = out[`gen id map ${compressed}`] as string[];
        expect(idMap).toHaveLength(5);
        expect(idMap.every((m) => m.startsWith('Cannot find identity by names'))).toBe(true);
      }
      const app = 'pytest generated app';
      expect(out.effective).toEqual([
        ['group2', 'thing1', ['View']],
        ['group3', 'thing1', ['View']],
        ['bob', app, ['Admin', 'all']],
        ['bob', 'thing1', ['Admin', 'Manage_Thing', 'View']],
        ['bob', 'thing2', ['Admin', 'Manage_Thing']],
        ['bob', 'thing2.cog1', ['Admin']],
        ['marry', 'thing1', ['View']],
        ['marry', 'thing2', ['View']],
        ['marry', 'thing2.cog1', ['View']],
        ['rob', app, ['Manage']],
        ['rob', 'thing1', ['Manage', 'View']],
        ['sue', app, ['Manage', 'Unknown Permission', 'View']],
        ['user01@example.com', app, ['Admin', 'all']],
        ['user01@example.com', 'thing1', ['Admin', 'Manage_Thing']],
        ['user01@example.com', 'thing2', ['Admin', 'Manage_Thing']],
        ['user01@example.com', 'thing2.cog1', ['Admin']],
      ]);
    });
  },
);

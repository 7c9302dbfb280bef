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

/**
 * oaaclient's multipart path (datasource_push_parts, as its test_api_multipart calls it with a
 * small part_size), on its generated app with a user whose name has multi-byte characters, cut
 * so that a chunk ends inside one; and push_metadata switching to multipart on its own
 * (enable_multipart, with the threshold lowered). Each is compared with a plain push.
 */
const MULTIPART_SCRIPT = `
import json, sys
sys.path.insert(0, sys.argv[3] + "/tests")
from oaaclient.client import OAAClient
from generate_app import generate_app
client = OAAClient(url=sys.argv[1], api_key=sys.argv[2])
app = generate_app()
app.add_local_user("Zo\u00e9 \\U0001F600", identities=["zoe@example.com"]).add_permission("View", apply_to_application=True)
p = client.create_provider("multipart app", "application")
out = {}
def effective(ds):
    rows = client.api_get(f"/api/v1/providers/custom/{p['id']}/datasources/{ds['id']}/effective_permissions", params={"page_size": 50})
    return [[r["principal"]["key"], r["principal"]["name"], r["target"]["key"], r["permissions"]] for r in rows]
plain = client.push_application("multipart app", data_source_name="plain", application_object=app, create_provider=False)
plain_ds = client.get_data_source("plain", p["id"])
# oaaclient's own push_metadata escapes non-ASCII (ensure_ascii); a caller of datasource_push_parts may not.
body = json.dumps(app.get_payload(), separators=(",", ":"), ensure_ascii=False)
raw = body.encode()
# The smallest part size of at most 99 parts whose cuts fall inside a multi-byte character.
size = len(raw) // 90 + 1
while size < len(raw) and not any((raw[i] & 0xC0) == 0x80 for i in range(size, len(raw), size)):
    size += 1
parts_ds = client.create_data_source("parts", p["id"])
res = client.datasource_push_parts(p["id"], parts_ds["id"], body, part_size=size)
out["parts"] = (len(raw) + size - 1) // size
out["cut_inside"] = any((raw[i] & 0xC0) == 0x80 for i in range(size, len(raw), size))
out["warnings_equal"] = sorted(w["message"] for w in res["warnings"]) == sorted(w["message"] for w in plain["warnings"])
out["warnings"] = len(res["warnings"])
out["effective_equal"] = effective(parts_ds) == effective(plain_ds)
out["zoe"] = sorted({r[1] for r in effective(parts_ds) if r[0].startswith("Zo")})
client.enable_multipart = True
client.MULTIPART_THRESHOLD_SIZE = 0
auto = client.push_application("multipart app", data_source_name="auto", application_object=app, create_provider=False)
out["auto_equal"] = sorted(w["message"] for w in auto["warnings"]) == sorted(w["message"] for w in plain["warnings"])
out["auto_status"] = client.get_data_source("auto", p["id"])["status"]
print(json.dumps(out))
`;

/**
 * oaaclient's saved-query and report methods, as its live tests call them (test_client.py's
 * test_create_query and test_create_report, test_utils.py's build_report on tests/report_test.json),
 * then the saved queries and a query spec run through its generic api_get / api_post, which follow
 * has_more. argv: url, key, the checkout (for tests/generate_app.py and tests/report_test.json).
 */
const QUERY_SCRIPT = `
import contextlib, io, json, logging, os, sys
sys.path.insert(0, sys.argv[3] + "/tests")
from oaaclient import utils
from oaaclient.client import OAAClient, OAAResponseError, report_builder_entrypoint
from generate_app import generate_app
client = OAAClient(url=sys.argv[1], api_key=sys.argv[2])
# Every request the client makes, to see its parameters and its paging (its own method, wrapped).
calls = []
perform = client._perform_request
def recording(method, api_path, data=None, params=None):
    calls.append([method, api_path, dict(params or {})])
    return perform(method, api_path, data=data, params=params)
client._perform_request = recording
# An expected OAAResponseError as [code, status, reasons, violated fields].
def failure(call):
    try:
        call()
    except OAAResponseError as e:
        reasons = [d.get("reason") for d in e.details if "reason" in d]
        fields = [v["field"] for d in e.details for v in d.get("field_violations", [])]
        return [e.error, e.status_code, reasons, fields]
    return "no error"
out = {"page_size": client.DEFAULT_PAGE_SIZE}

# The live test's query: a spec with a name, plus category, level and result_type.
live = {"name": "Pytest test query", "description": "Pytest Generated", "category": "IDP_ANALYSIS", "level": "BASIC",
        "result_type": "NUMBER", "query_type": "SOURCE_TO_DESTINATION",
        "source_node_types": {"nodes": [{"node_type": "OktaUser", "tags": [], "conditions": [], "node_id": "",
                                         "excluded_tags": [], "count_conditions": []}], "nodes_operator": "AND"}}
q = client.create_query(live)
out["created"] = {k: q[k] for k in ("name", "category", "level", "result_type", "query_type", "visibility", "source_type", "destination_types")}
got = client.get_query_by_id(q["id"])
out["get_query"] = [got["id"] == q["id"], got == q]
out["run_live"] = client.api_get(f"/api/v1/assessments/queries/{q['id']}:nodes")

# More saved queries than one page of get_queries holds.
for i in range(client.DEFAULT_PAGE_SIZE + 5):
    client.create_query({"name": f"filler {i:03}", "source_node_types": {"nodes": [{"node_type": "User"}]}})
calls.clear()
listed = client.get_queries()
out["get_queries"] = [len(listed), len({x["id"] for x in listed}), listed[0]["id"] == q["id"], listed[-1]["name"]]
out["get_queries_calls"] = [[c[1], sorted(c[2])] for c in calls]
out["get_queries_params"] = calls[0][2]
out["active_only"] = len(client.get_queries(include_inactive_queries=False))

# A report: created empty, the query added twice, re-sent renamed as the GET returned it.
r = client.create_report({"name": "Pytest Report", "description": "Created for Pytest", "category": "OAA", "queries": []})
out["report"] = [r["name"], r["description"], r["category"], r["queries"]]
out["get_reports"] = [[x["id"] for x in client.get_reports()] == [r["id"]], [x["id"] for x in client.get_reports(False, False)] == [r["id"]]]
out["add_twice"] = [len(client.add_query_report(r["id"], q["id"])["queries"]), len(client.add_query_report(r["id"], q["id"])["queries"])]
out["get_report_active"] = len(client.get_report_by_id(r["id"], include_inactive_queries=False)["queries"])
got = client.get_report_by_id(r["id"], include_inactive_queries=True)
out["get_report"] = [got["id"] == r["id"], got["queries"] == [{"query": q["id"], "name": "Pytest test query"}]]
got["name"] = "Updated Pytest"
updated = client.update_report(report_id=r["id"], report=got)
out["update_report"] = [updated["id"] == r["id"], updated["name"], updated["category"], len(updated["queries"]), client.get_report_by_id(r["id"])["name"]]

# Deleting a query a report uses: refused, then forced.
out["delete_in_use"] = failure(lambda: client.delete_query(q["id"]))
out["delete_forced"] = client.delete_query(q["id"], force=True)
out["report_after"] = client.get_report_by_id(r["id"])["queries"]
out["query_gone"] = failure(lambda: client.get_query_by_id(q["id"]))
out["delete_gone"] = failure(lambda: client.delete_query(q["id"]))
out["delete_report"] = client.delete_report(r["id"])
out["report_gone"] = failure(lambda: client.get_report_by_id(r["id"]))
out["delete_report_gone"] = failure(lambda: client.delete_report(r["id"]))
out["add_gone"] = failure(lambda: client.add_query_report(r["id"], listed[1]["id"]))

# oaaclient's report builder on its own report_test.json, after pushing its sample app: the
# oaaclient-report-builder command creates the report and its queries; utils.build_report makes a
# second report of the same (existing) queries, then, run again, finds and returns it.
client.create_provider("Pytest Report test", "application")
client.push_application("Pytest Report test", data_source_name="report_test", application_object=generate_app(), create_provider=False)
report_file = sys.argv[3] + "/tests/report_test.json"
os.environ["VEZA_API_KEY"] = sys.argv[2]
sys.argv = ["oaaclient-report-builder", "--host", client.url, report_file]
logging.getLogger().handlers.clear()  # generate_app's logging.basicConfig: the command's own is wanted
log = io.StringIO()
with contextlib.redirect_stderr(log):
    report_builder_entrypoint()
out["report_builder_log"] = log.getvalue().splitlines()
with open(report_file) as f:
    definition = json.load(f)
names = [x["name"] for x in definition["queries"]]
built = client.get_reports()
out["report_builder"] = [[x["name"] for x in built], [x["name"] for x in built[0]["queries"]] == names]
definition["name"] = "Pytest utils"
first = utils.build_report(client, report_definition=definition)
second = utils.build_report(client, report_definition=definition)
out["build_report"] = [first["name"], first["description"], first["queries"] == built[0]["queries"],
                       second["id"] == first["id"], second["queries"] == first["queries"],
                       len([x for x in client.get_queries() if x["name"] in names]), [x["name"] for x in client.get_reports()]]

# Saved queries run by id, paged by api_get.
ids = {x["name"]: x["query"] for x in first["queries"]}
def keys(rows):
    return [[x["node"]["key"], x["type"], x["destination_node_count"]] for x in rows]
calls.clear()
out["run_users"] = keys(client.api_get(f"/api/v1/assessments/queries/{ids['Pytest Users']}:nodes", params={"page_size": 2}))
out["run_users_calls"] = len(calls)
for name in names[1:]:
    out["run " + name] = keys(client.api_get(f"/api/v1/assessments/queries/{ids[name]}:nodes"))

# A query spec run unsaved through api_post, which re-sends the body with page_token while has_more.
spec = {"query_type": "SOURCE_TO_DESTINATION", "source_node_types": {"nodes": [{"node_type": "OAA.pytest.User"}]},
        "destination_node_types": {"nodes": [{"node_type": "OAA.pytest.thing.Resource"}]},
        "raw_permissions": {"values": [], "operator": "OR"}}
calls.clear()
rows = client.api_post("/api/v1/assessments/query_spec:nodes", data=spec, params={"page_size": 1})
out["spec_nodes"] = [[x["node"]["key"], x["destination_node_count"], sorted(x["raw_permissions"])] for x in rows]
out["spec_nodes_calls"] = len(calls)
result = client.api_post("/api/v1/assessments/query_spec:result", data=spec)
out["spec_result"] = [result["result_type"], result["number_value"], len(result["nodes_value"]["values"])]
out["spec_bad"] = failure(lambda: client.api_post("/api/v1/assessments/query_spec:nodes", data={"source_node_types": {"nodes": [{}]}}))
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

    it('pushes in parts with datasource_push_parts and enable_multipart, as a plain push does', async () => {
      const { server, dataDir, key } = await startWithKey(['--tls', 'self-signed']);
      const host = server.url.replace('127.0.0.1', 'localhost');
      const result = await run('python3', ['-c', MULTIPART_SCRIPT, host, key, source!], {
        env: { ...process.env, PYTHONPATH: source!, REQUESTS_CA_BUNDLE: join(dataDir, 'tls', 'self-signed-cert.pem'), OAA_API_RETRIES: '0' },
        timeoutMs: 60_000,
      });
      expect(result.stderr).toBe('');
      const out = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(out.parts).toBeGreaterThan(10);
      expect(out.parts).toBeLessThanOrEqual(99);
      expect(out).toMatchObject({ cut_inside: true, zoe: ['Zoé 😀'], warnings_equal: true, effective_equal: true, auto_equal: true, auto_status: 'SUCCESS' });
      expect(out.warnings).toBeGreaterThan(0);
    });

    it('saves, lists, runs and deletes queries and reports with its query and report methods and build_report', async () => {
      const { server, dataDir, key } = await startWithKey(['--tls', 'self-signed']);
      const host = server.url.replace('127.0.0.1', 'localhost');
      const result = await run('python3', ['-c', QUERY_SCRIPT, host, key, source!], {
        env: { ...process.env, PYTHONPATH: source!, REQUESTS_CA_BUNDLE: join(dataDir, 'tls', 'self-signed-cert.pem'), OAA_API_RETRIES: '0' },
        timeoutMs: 60_000,
      });
      expect(result.stderr).toBe('');
      const reportNames = [
        'Pytest Users',
        'Pytest guests',
        'Pytest things',
        'Pytest Users with Organization Admin',
        'Pytest Users with Okta Identity ',
        'Pytest Users without Okta Identity ',
        'Pytest Users with inactive Okta Accounts',
      ];
      const users = ['bob', 'bot_user', 'marry', 'rob', 'sue'].map((user) => [user, 'OAA.pytest.User', 0]);
      const inUse = ['FailedPrecondition', 400, ['QUERY_IN_USE'], ['force']];
      const notFound = ['NotFound', 404, ['NOT_FOUND'], []];
      expect(JSON.parse(result.stdout)).toEqual({
        page_size: 250,
        created: {
          name: 'Pytest test query',
          category: 'IDP_ANALYSIS',
          level: 'BASIC',
          result_type: 'NUMBER',
          query_type: 'SOURCE_TO_DESTINATION',
          visibility: 'PRIVATE',
          source_type: 'OktaUser',
          destination_types: [],
        },
        get_query: [true, true],
        run_live: [],
        // 256 queries, the client's page_size is 250: two requests, the second with the token.
        get_queries: [256, 256, true, 'filler 254'],
        get_queries_calls: [
          ['/api/v1/assessments/queries', ['include_inactive_queries', 'page_size']],
          ['/api/v1/assessments/queries', ['include_inactive_queries', 'page_size', 'page_token']],
        ],
        get_queries_params: { include_inactive_queries: true, page_size: 250 },
        active_only: 256,
        report: ['Pytest Report', 'Created for Pytest', 'OAA', []],
        get_reports: [true, true],
        add_twice: [1, 1],
        get_report_active: 1,
        get_report: [true, true],
        update_report: [true, 'Updated Pytest', 'OAA', 1, 'Updated Pytest'],
        delete_in_use: inUse,
        delete_forced: {},
        report_after: [],
        query_gone: notFound,
        delete_gone: notFound,
        delete_report: {},
        report_gone: notFound,
        delete_report_gone: notFound,
        add_gone: notFound,
        report_builder_log: [`INFO: Loading report from ${source!}/tests/report_test.json`, 'INFO: Finished'],
        report_builder: [['Pytest'], true],
        build_report: ['Pytest utils', 'Pytest utils', true, true, true, 7, ['Pytest', 'Pytest utils']],
        // 5 users, page_size 2: api_get follows has_more over three pages.
        run_users: users,
        run_users_calls: 3,
        [`run ${reportNames[1]}`]: [],
        [`run ${reportNames[2]}`]: [
          ['thing1', 'OAA.pytest.thing.Resource', 0],
          ['thing2', 'OAA.pytest.thing.Resource', 0],
        ],
        [`run ${reportNames[3]}`]: [['bob', 'OAA.pytest.User', 1]],
        [`run ${reportNames[4]}`]: [],
        [`run ${reportNames[5]}`]: users,
        [`run ${reportNames[6]}`]: [],
        // The users reaching a thing, with the raw permissions of the golden table (spec §13.4).
        spec_nodes: [
          ['bob', 2, ['Admin', 'Manage_Thing', 'View']],
          ['marry', 2, ['View']],
          ['rob', 1, ['Manage', 'View']],
        ],
        spec_nodes_calls: 3,
        spec_result: ['NUMBER', '3', 3],
        spec_bad: ['InvalidArgument', 400, ['INVALID_ARGUMENTS'], ['source_node_types.nodes[0].node_type']],
      });
    });
  },
);

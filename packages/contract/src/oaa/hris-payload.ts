import { Type, type Static } from '@sinclair/typebox';
import { Opt } from '../nullable.js';
import { OaaCustomProperties, OaaOperation, PropertyDefinitions, strict } from './common.js';
import { IdpProviderType } from './idp-payload.js';

/**
 * The HRIS template (spec §7) in its snake_case form (oaaclient, docs.veza.com). The seeds'
 * Title-Case example is normalised into this form before the check (core `normaliseHrisPayload`).
 * Fields the docs mark required but their own examples omit are optional here: core warns about
 * each missing one (spec §15.29).
 */

/** `{"id": "..."}`: how employees name their groups, department, cost center and managers. */
export const OaaHrisReference = Type.Object({ id: Type.String({ minLength: 1 }) }, strict);
const References = Opt(Type.Array(OaaHrisReference));

export const OaaHrisSystem = Type.Object(
  {
    id: Opt(Type.String()),
    name: Opt(Type.String()),
    url: Opt(Type.String()),
    idp_providers: Opt(Type.Array(IdpProviderType)),
    custom_properties: OaaCustomProperties,
  },
  strict,
);
export type OaaHrisSystem = Static<typeof OaaHrisSystem>;

export const OaaHrisEmployee = Type.Object(
  {
    id: Opt(Type.String()),
    name: Opt(Type.String()),
    employee_number: Opt(Type.String()),
    company: Opt(Type.String()),
    first_name: Opt(Type.String()),
    last_name: Opt(Type.String()),
    preferred_name: Opt(Type.String()),
    display_full_name: Opt(Type.String()),
    canonical_name: Opt(Type.String()),
    username: Opt(Type.String()),
    email: Opt(Type.String()),
    idp_id: Opt(Type.String()),
    personal_email: Opt(Type.String()),
    home_location: Opt(Type.String()),
    work_location: Opt(Type.String()),
    job_title: Opt(Type.String()),
    primary_time_zone: Opt(Type.String()),
    cost_center: Opt(OaaHrisReference),
    department: Opt(OaaHrisReference),
    managers: References,
    groups: References,
    employment_status: Opt(Type.String()),
    is_active: Opt(Type.Boolean()),
    start_date: Opt(Type.String()),
    termination_date: Opt(Type.String()),
    employment_types: Opt(Type.Array(Type.String())),
    custom_properties: OaaCustomProperties,
    operation: OaaOperation,
  },
  strict,
);
export type OaaHrisEmployee = Static<typeof OaaHrisEmployee>;

export const OaaHrisGroup = Type.Object(
  {
    id: Opt(Type.String()),
    name: Opt(Type.String()),
    group_type: Opt(Type.String()),
    /** The parent group's id (only the Title-Case table documents it). */
    parent: Opt(Type.String()),
    custom_properties: OaaCustomProperties,
    operation: OaaOperation,
  },
  strict,
);
export type OaaHrisGroup = Static<typeof OaaHrisGroup>;

/** The whole `json_data` of a push to an HRIS provider. */
export const HrisPayload = Type.Object(
  {
    name: Opt(Type.String()),
    hris_type: Opt(Type.String()),
    custom_property_definition: Opt(
      Type.Object(
        { system_properties: PropertyDefinitions, employee_properties: PropertyDefinitions, group_properties: PropertyDefinitions },
        strict,
      ),
    ),
    system: Opt(OaaHrisSystem),
    employees: Opt(Type.Array(OaaHrisEmployee)),
    groups: Opt(Type.Array(OaaHrisGroup)),
    incremental_change: Opt(Type.Boolean()),
  },
  strict,
);
export type HrisPayload = Static<typeof HrisPayload>;

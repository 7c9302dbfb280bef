import { Ajv, _, str, type CodeKeywordDefinition, type ValidateFunction } from 'ajv';
import { ApplicationPayload, HrisPayload, IdpPayload, type CustomTemplate, type FieldViolation } from '@accessgraph/contract';
import { schemaViolations, type SchemaError } from '../http/ajv-errors.js';

/**
 * The shape check of each template's payload, compiled once. Strict like request bodies: no
 * coercion, unknown keys are errors (`applications[0].bad_property`), every error reported.
 */
const ajv = new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false, strict: false });

/**
 * Ajv's own minLength counts every string's characters (code points, one loop per string); the
 * payload schemas only say `minLength: 1` (non-empty), which `.length` answers exactly, so that
 * is what this one compiles to. Longer limits count code points as Ajv does; errors are Ajv's.
 */
const minLength: CodeKeywordDefinition = {
  keyword: 'minLength',
  type: 'string',
  schemaType: 'number',
  error: {
    message: ({ schemaCode }) => str`must NOT have fewer than ${schemaCode} characters`,
    params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
  },
  code(cxt) {
    const { data, schema } = cxt;
    cxt.fail(schema <= 1 ? _`${data}.length < ${schema}` : _`[...${data}].length < ${schema}`);
  },
};
ajv.removeKeyword('minLength');
ajv.addKeyword(minLength);

const validators: Record<CustomTemplate, ValidateFunction> = {
  application: ajv.compile(ApplicationPayload),
  identity_provider: ajv.compile(IdpPayload),
  hris: ajv.compile(HrisPayload),
};

/**
 * The schema an incremental payload's changes must fit: the template's, with nothing required
 * (a change names an entity by its key and carries only what it changes) and everything else
 * as strict — types, lengths, enums, unknown keys. The recursive resource schema gets an `$id`
 * of its own, since one Ajv instance holds both.
 */
function changeSchema(schema: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(schema), (key, value: unknown) => {
    if (key === 'required') return undefined;
    if ((key === '$id' || key === '$ref') && value === 'OaaResource') return 'OaaResourceChange';
    return value;
  }) as unknown;
  return copy;
}

const changeValidators: Record<CustomTemplate, ValidateFunction> = {
  application: ajv.compile(changeSchema(ApplicationPayload) as object),
  identity_provider: ajv.compile(changeSchema(IdpPayload) as object),
  hris: ajv.compile(changeSchema(HrisPayload) as object),
};

/** Most schema errors reported for one payload; a broken generator can produce millions. */
const MAX_VIOLATIONS = 1000;

/** The payload's violations of its template's schema (empty if it has none). */
export function payloadShapeViolations(template: CustomTemplate, payload: unknown): FieldViolation[] {
  const validate = validators[template];
  if (validate(payload)) return [];
  return schemaViolations((validate.errors ?? []) as SchemaError[], 'body').slice(0, MAX_VIOLATIONS);
}

/** An incremental payload's violations of its template's schema, nothing being required (see `changeSchema`). */
export function changeShapeViolations(template: CustomTemplate, payload: unknown): FieldViolation[] {
  const validate = changeValidators[template];
  if (validate(payload)) return [];
  return schemaViolations((validate.errors ?? []) as SchemaError[], 'body').slice(0, MAX_VIOLATIONS);
}

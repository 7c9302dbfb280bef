import { Ajv, type ValidateFunction } from 'ajv';
import { ApplicationPayload, type CustomTemplate, type FieldViolation } from '@accessgraph/contract';
import { schemaViolations, type SchemaError } from '../http/ajv-errors.js';

/**
 * The shape check of each template's payload, compiled once. Strict like request bodies: no
 * coercion, unknown keys are errors (`applications[0].bad_property`), every error reported.
 */
const ajv = new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false, strict: false });

const validators: Partial<Record<CustomTemplate, ValidateFunction>> = {
  application: ajv.compile(ApplicationPayload),
};

/** Most schema errors reported for one payload; a broken generator can produce millions. */
const MAX_VIOLATIONS = 1000;

/** undefined when the template has no payload schema yet; else the violations (empty if valid). */
export function payloadShapeViolations(template: CustomTemplate, payload: unknown): FieldViolation[] | undefined {
  const validate = validators[template];
  if (!validate) return undefined;
  if (validate(payload)) return [];
  return schemaViolations((validate.errors ?? []) as SchemaError[], 'body').slice(0, MAX_VIOLATIONS);
}

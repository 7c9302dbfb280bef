import type { FieldViolation } from '@accessgraph/contract';

/** The parts of an Ajv error this module reads (Fastify passes Ajv's objects through). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/**
 * Turns schema errors into field violations with JSON paths in the OAA style
 * (`applications[0].local_users[3].name`), and messages that say which rule broke.
 */
export function schemaViolations(errors: SchemaError[], part: string): FieldViolation[] {
  const violations = withoutUnionNoise(errors).map((e) => ({ field: fieldPath(e, part), description: describe(e) }));
  // Ajv reports some rules once per branch; one line per distinct violation is enough.
  return [...new Map(violations.map((v) => [`${v.field}\u0000${v.description}`, v])).values()];
}

/**
 * A nullable union (`T | null`) fails every branch when T fails: drop the summary `anyOf` error
 * and the "must be null" branch whenever the other branch said something at that place or below.
 */
function withoutUnionNoise(errors: SchemaError[]): SchemaError[] {
  const said = (e: SchemaError) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null');
  const meaningful = errors.filter(said);
  return errors.filter(
    (e) => said(e) || !meaningful.some((m) => m.instancePath === e.instancePath || m.instancePath.startsWith(`${e.instancePath}/`)),
  );
}

function fieldPath(error: SchemaError, part: string): string {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  let path = '';
  for (const s of segments) path += /^\d+$/.test(s) ? `[${s}]` : path ? `.${s}` : s;
  // Body fields are named bare, as Veza does; query and path parameters say where they came from.
  if (part === 'body') return path;
  return path ? `${part}.${path}` : part;
}

function describe(error: SchemaError): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown field "${String(error.params.additionalProperty)}" is not allowed`;
    case 'required':
      return `required field "${String(error.params.missingProperty)}" is missing`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `contains characters that are not allowed (allowed: ${String(error.params.pattern)})`;
    case 'type':
      return `must be ${String(error.params.type)}`;
    default:
      return error.message ?? `breaks the "${error.keyword}" rule`;
  }
}

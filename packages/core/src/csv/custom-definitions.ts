import type { PropertyType } from '@accessgraph/contract';
import type { CsvMapContext } from './csv-map-context.js';

/**
 * The custom property definitions the column mappings make, per section of the template's
 * `custom_property_definition`: `sections` names the section of each destination kind.
 * Sections without a mapped custom property are left out.
 */
export function customDefinitions(ctx: CsvMapContext, sections: Readonly<Record<string, string>>): Record<string, Record<string, PropertyType>> {
  const definitions: Record<string, Record<string, PropertyType>> = {};
  for (const column of ctx.columns.columns) {
    const section = Object.hasOwn(sections, column.kind) ? sections[column.kind] : undefined;
    if (!column.custom || section === undefined) continue;
    (definitions[section] ??= {})[column.custom.name] = column.custom.type;
  }
  return definitions;
}

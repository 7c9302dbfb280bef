import { MAPPING_PROPERTIES, type OaaIdentityMappingConfiguration, type OaaPropertyMatcher } from '@accessgraph/contract';
import { rejectOperation } from '../payload/entity-common.js';
import { at, type IssueCollector } from '../payload/issues.js';
import { checkField, checkString } from '../payload/strings.js';
import type { IdentityMapping, MappingProperty } from './model.js';

const PATH = 'identity_mapping_configuration';

/**
 * Reads `identity_mapping_configuration` (spec §6.6): property names are compared ignoring case
 * (the docs spell them both ways); PROPERTY and CUSTOM_PROPERTY need the property's name;
 * several matchers link when any one matches unless `property_match_operator` is AND.
 */
export function readIdentityMappings(config: OaaIdentityMappingConfiguration | null | undefined, issues: IssueCollector): IdentityMapping[] {
  if (!config) return [];
  if (config.operation != null) rejectOperation(PATH, issues);
  const mappings: IdentityMapping[] = [];
  config.mappings?.forEach((mapping, i) => {
    const path = at(at(PATH, 'mappings'), i);
    checkField(mapping.destination_datasource_type, path, 'destination_datasource_type', issues);
    checkField(mapping.destination_datasource_oaa_app_type, path, 'destination_datasource_oaa_app_type', issues);
    const operator = (mapping.property_match_operator ?? 'OR').toUpperCase();
    if (operator !== 'AND' && operator !== 'OR') {
      issues.error(at(path, 'property_match_operator'), 'invalid_value', `property_match_operator must be AND or OR, not "${mapping.property_match_operator}"`);
    }
    const matchers = (mapping.property_matchers ?? []).flatMap((matcher, j) => {
      const read = readMatcher(matcher, at(at(path, 'property_matchers'), j), issues);
      return read ? [read] : [];
    });
    if ((mapping.property_matchers ?? []).length === 0) {
      issues.warn(path, 'mapping_without_matchers', `identity mapping to ${mapping.destination_datasource_type} has no property_matchers; it links nothing`);
    }
    mappings.push({
      path,
      destinationType: mapping.destination_datasource_type.toUpperCase(),
      destinationAppType: mapping.destination_datasource_oaa_app_type ? mapping.destination_datasource_oaa_app_type.toLowerCase() : null,
      matchers,
      requireAll: operator === 'AND',
      transformations: [...new Set(mapping.transformations ?? [])],
    });
  });
  return mappings;
}

function readMatcher(matcher: OaaPropertyMatcher, path: string, issues: IssueCollector): IdentityMapping['matchers'][number] | undefined {
  const source = mappingProperty(matcher.source_property, at(path, 'source_property'), issues);
  const destination = mappingProperty(matcher.destination_property, at(path, 'destination_property'), issues);
  const sourceName = propertyName(source, matcher.custom_source_property, at(path, 'custom_source_property'), issues);
  const destinationName = propertyName(destination, matcher.custom_destination_property, at(path, 'custom_destination_property'), issues);
  if (!source || !destination || sourceName === undefined || destinationName === undefined) return undefined;
  return { source, sourceName, destination, destinationName };
}

function mappingProperty(value: string, path: string, issues: IssueCollector): MappingProperty | undefined {
  const upper = value.toUpperCase();
  if ((MAPPING_PROPERTIES as readonly string[]).includes(upper)) return upper.toLowerCase() as MappingProperty;
  issues.error(path, 'invalid_value', `"${value.slice(0, 64)}" is not one of ${MAPPING_PROPERTIES.join(', ')}`);
  return undefined;
}

/** The property a PROPERTY or CUSTOM_PROPERTY matcher compares (lower-cased); null for the built-in ones. */
function propertyName(property: MappingProperty | undefined, name: string | null | undefined, path: string, issues: IssueCollector): string | null | undefined {
  if (property !== 'property' && property !== 'custom_property') return null;
  if (!name) {
    issues.error(path, 'required', `a ${property.toUpperCase()} matcher needs the name of the property to compare`);
    return undefined;
  }
  checkString(name, path, issues);
  return name.toLowerCase();
}

export { normaliseHrisPayload } from './normalise-hris.js';
export { readHrisPayload, type HrisModel, type EmployeeEntity, type HrisGroupEntity } from './read-hris.js';
export { deriveHrisGraph } from './derive-hris.js';

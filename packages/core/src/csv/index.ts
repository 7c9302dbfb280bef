export { mapCsvToPayload, DEFAULT_LIST_DELIMITER, type CsvToPayloadInput, type CsvMapped } from './map-csv-to-payload.js';
export { CsvSourceMap, type CsvSource } from './csv-source-map.js';
export { cellPath, columnPath, rowPath } from './csv-issues.js';
export { CSV_DESTINATIONS, ROW_ENTITY, type CsvDestination } from './csv-destinations.js';
export { parseCsv, type CsvTable, type CsvRow } from './parse-csv.js';
export { decodeCsvData } from './decode-csv-data.js';
export { toRfc3339, readCell, type CsvValueKind } from './csv-values.js';

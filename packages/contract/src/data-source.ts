import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './string-enum.js';
import { CustomTemplate, ObjectName } from './provider.js';

/**
 * Data source status. A failed push is spelled so that oaaclient's `re.match("fail|error")`
 * matches it at the start.
 */
export const DATA_SOURCE_STATUSES = ['PENDING', 'SUCCESS', 'FAILED', 'DELETING'] as const;
export const DataSourceStatus = StringEnum(DATA_SOURCE_STATUSES);
export type DataSourceStatus = Static<typeof DataSourceStatus>;

/** Body of `POST /api/v1/providers/custom/{id}/datasources`. */
export const DataSourceCreate = Type.Object(
  {
    id: Type.Optional(
      Type.String({ description: 'The provider id; when present it must equal the id in the path.' }),
    ),
    name: ObjectName,
    custom_template: Type.Optional(CustomTemplate),
  },
  { additionalProperties: false },
);
export type DataSourceCreate = Static<typeof DataSourceCreate>;

/** A data source as the API returns it. */
export const DataSource = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    provider_id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    custom_template: CustomTemplate,
    status: DataSourceStatus,
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    last_push_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    last_push_warnings: Type.Integer({ minimum: 0 }),
    incremental_allowed: Type.Boolean({ description: 'True once a full push has succeeded.' }),
  },
  {},
);
export type DataSource = Static<typeof DataSource>;

export const DataSourceParams = Type.Object({ id: Type.String(), data_source_id: Type.String() });
export type DataSourceParams = Static<typeof DataSourceParams>;

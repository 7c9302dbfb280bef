import type { Icon, IconByType, IconByTypeQuery, IconUpload } from '@accessgraph/contract';
import { decodeIcon } from '@accessgraph/core';
import type { Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { nowIso } from './clock.js';
import type { ProviderService } from './provider-service.js';

/** Provider icons: PNG or SVG, checked, at most 64 KB. */
export class IconService {
  constructor(
    private readonly store: Store,
    private readonly providers: ProviderService,
  ) {}

  async set(providerId: string, body: IconUpload): Promise<void> {
    const provider = await this.providers.get(providerId);
    if (body.id !== undefined && body.id.toLowerCase() !== provider.id) {
      throw ApiError.invalid(
        [{ field: 'id', description: `provider id "${body.id}" in the body differs from "${providerId}" in the path` }],
        'ID_MISMATCH',
      );
    }
    const decoded = decodeIcon(body.icon_base64);
    if (!decoded.ok) throw ApiError.fromIssues(decoded.issues, 'INVALID_ICON');
    await this.store.putProviderIcon({ providerId: provider.id, mimeType: decoded.value.mimeType, base64: decoded.value.base64 }, nowIso());
  }

  async get(providerId: string): Promise<Icon> {
    const provider = await this.providers.get(providerId);
    const icon = await this.store.getProviderIcon(provider.id);
    if (!icon) throw ApiError.notFound('icon', provider.id);
    return { mime_type: icon.mimeType, icon_base64: icon.base64 };
  }

  /** Deleting is idempotent: a provider without an icon answers like one whose icon was removed. */
  async delete(providerId: string): Promise<void> {
    const provider = await this.providers.get(providerId);
    await this.store.deleteProviderIcon(provider.id);
  }

  async byType(query: IconByTypeQuery): Promise<IconByType> {
    const schemaType = query.custom_schema_type ?? query.app_or_idp_type;
    const nodeType = query.node_type;
    if (!schemaType && !nodeType) {
      throw ApiError.invalid([
        { field: 'custom_schema_type', description: 'give custom_schema_type (or the deprecated app_or_idp_type) or node_type' },
      ]);
    }
    const icon = await this.store.findIconByType({
      ...(schemaType ? { schemaType } : {}),
      ...(nodeType ? { nodeType } : {}),
    });
    if (!icon) throw ApiError.notFound('icon', schemaType ?? nodeType ?? '');
    return { mime_type: icon.mimeType, icon_base64: icon.base64, provider_id: icon.providerId };
  }
}

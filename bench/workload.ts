import type { AppPayloadShape } from './generate-app-payload.js';

/**
 * The reference workload, "100mb": about 100 MB of uncompressed payload JSON with 50k
 * users (3 groups each), 5k nested groups, 100k resources (14,286 repositories, each with two
 * levels of two folders) and about 1M role and permission assignments (10 per user, each on 2
 * resources), which expand to about 1.1M grants (roles hold one permission, a quarter of them
 * also a nested role), as in the calibration (998k grants). Other sizes scale users,
 * groups and resources linearly from it.
 */
export const REFERENCE_BYTES = 100_000_000;

const REFERENCE_SHAPE: AppPayloadShape = {
  users: 50_000,
  groups: 5_000,
  roles: 50,
  permissions: 40,
  permissionsPerRole: 1,
  resources: 14_286,
  subResources: 2,
  resourceDepth: 3,
  assignmentsPerUser: 10,
  resourcesPerAssignment: 2,
  groupsPerUser: 3,
  seed: 42,
};

export interface PayloadSize {
  /** As given, e.g. "10mb". */
  label: string;
  /** Nominal payload size in bytes; the generated payload lands within a few percent of it. */
  bytes: number;
}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9 };

/** Parses "10mb", "500kb", "0.5gb" or a plain byte count (decimal units, as in "100 MB"). */
export function parseSize(label: string): PayloadSize {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*$/i.exec(label);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new Error(`size "${label}" is not understood: use e.g. 10mb, 500kb, 0.1gb`);
  const bytes = Math.round(Number(match[1]) * unit);
  if (bytes < 10_000) throw new Error(`size "${label}" is too small: the smallest payload is 10kb`);
  return { label: label.trim().toLowerCase(), bytes };
}

/** The shape whose payload is about `bytes` long: the reference shape, scaled. */
export function shapeForBytes(bytes: number): AppPayloadShape {
  const scale = bytes / REFERENCE_BYTES;
  const scaled = (n: number) => Math.max(1, Math.round(n * scale));
  return {
    ...REFERENCE_SHAPE,
    users: scaled(REFERENCE_SHAPE.users),
    groups: Math.max(REFERENCE_SHAPE.groupsPerUser, scaled(REFERENCE_SHAPE.groups)),
    resources: scaled(REFERENCE_SHAPE.resources),
  };
}

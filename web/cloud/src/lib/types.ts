/**
 * Shapes of the Cloud API used across features. They are the API's own: generated from the committed
 * OpenAPI document (api/openapi/cloud.json → @monozu/api/openapi/cloud, `make openapi`), so a DTO
 * changed in Go fails the typecheck wherever the SPA no longer fits.
 */
import type { components, paths } from '@monozu/api/openapi/cloud';

/** A schema of the Cloud API's OpenAPI document by its component name. */
export type Schema<K extends keyof components['schemas']> = components['schemas'][K];

/** The query parameters of GET on a path (`ListQuery<'/api/v1/assets'>`): what a list's filters may send. */
export type ListQuery<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never;

export type User = Schema<'User'>;
export type Tenant = Schema<'Tenant'>;
export type Me = Schema<'MeResponse'>;
export type TokenResponse = Schema<'TokenResponse'>;

/**
 * Shapes of the management API used across features. They are the API's own: generated from the
 * committed OpenAPI document (api/openapi/mgmt.json → @monozu/api/openapi/mgmt, `make openapi`), so a
 * DTO changed in Go fails the typecheck wherever the SPA no longer fits.
 */
import type { components } from '@monozu/api/openapi/mgmt';

/** A schema of the management API's OpenAPI document by its component name. */
export type Schema<K extends keyof components['schemas']> = components['schemas'][K];

export type Operator = Schema<'Operator'>;
export type LoginResponse = Schema<'LoginResponse'>;
export type TokenResponse = Schema<'TokenResponse'>;
export type Tenant = Schema<'Tenant'>;
export type TenantStatus = Tenant['status'];
export type RegistrationState = NonNullable<Tenant['registration']>;
export type Limits = Schema<'Limits'>;
export type License = Schema<'License'>;
export type HistoryEntry = Schema<'HistoryEntry'>;
/** A tenant with its licence and history (newest first). */
export type TenantDetail = Schema<'Detail'>;
/** Body of PUT /tenants/{id}/license and POST /registrations/{id}/approve. */
export type LicenseInput = Schema<'LicenseInput'>;

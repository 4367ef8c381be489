// Generated from api/openapi/cloud.json by scripts/openapi-types.mjs (make openapi); do not edit.
export interface paths {
    "/api/v1/admin/publish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Publish an agent release (X-Snap-Publish-Token)
         * @description For release pipelines, not people: the header X-Snap-Publish-Token must carry SNAP_PUBLISH_TOKEN (a missing or wrong token answers 401 invalid_publish_token; attempts are rate limited per IP). multipart/form-data with the fields version, channel, os, arch and the binary in file. The file is stored in blob storage while its SHA-256 is computed, then signed with the release key (Ed25519). 409 release_exists when the version is already published for the channel and platform (releases are immutable), 422 with field errors, 413 beyond the size cap, 415 when the body is not multipart. Not served (404) when SNAP_PUBLISH_TOKEN or SNAP_SIGNING_KEY is not set.
         */
        post: operations["postAdminPublish"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/assets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List assets
         * @description Keyset pages in the order of sort (name by default). Filters combine with AND; the comma-separated values of one filter with OR. Discovered devices awaiting review are left out unless lifecycle asks for them.
         */
        get: operations["getAssets"];
        put?: never;
        /**
         * Create an asset
         * @description Each VLAN's zone, when it has a site, must be in the asset's site. Refused with 403 licence_limit beyond the licence's max_assets.
         */
        post: operations["postAssets"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/assets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An asset with its VLANs, relationships and the panels of other modules
         * @description Panels (drift, diagrams, incidents ...) are keyed by module and present once the module has something to show.
         */
        get: operations["getAssetsId"];
        put?: never;
        post?: never;
        /**
         * Delete an asset
         * @description Its VLAN memberships, relationships, drift and discovery history go with it.
         */
        delete: operations["deleteAssetsId"];
        options?: never;
        head?: never;
        /**
         * Change an asset
         * @description Send the version you read; a stale one answers 409 version_conflict. Lists replace the stored list.
         */
        patch: operations["patchAssetsId"];
        trace?: never;
    };
    "/api/v1/assets/{id}/relationships": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An asset's relationships, both ways */
        get: operations["getAssetsIdRelationships"];
        put?: never;
        /**
         * Relate the asset to another
         * @description The asset in the path is the source. No self-loops; a duplicate (for connected_to also the reverse) answers 409 relationship_exists.
         */
        post: operations["postAssetsIdRelationships"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/assets/{id}/relationships/{relationship_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a relationship of the asset */
        delete: operations["deleteAssetsIdRelationshipsRelationshipId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/assets/{id}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An asset's timeline, newest first
         * @description Changes from the audit log (edits, imports, reviews, accepted drift) merged with what discovery observed, in keyset pages.
         */
        get: operations["getAssetsIdTimeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/assets/cpe-suggestions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Suggest CPE names from a vendor, model, firmware and OS
         * @description Built from the vendor's CPE vendor name (else its name): the firmware as an operating system and the device as hardware, as the NVD names devices.
         */
        get: operations["getAssetsCpeSuggestions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/assets/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download the filtered assets (CSV or JSON)
         * @description Streams every asset the list would show for the same filters and sort. CSV uses the import columns (GET /assets/import/template), so an export imports back unchanged; cells a spreadsheet would run as a formula start with a single quote, which the import removes. A download that ends without a complete body failed part-way and must not be used.
         */
        get: operations["getAssetsExport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/assets/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import assets from a CSV file (dry run by default)
         * @description multipart/form-data with the file in the field file. With dry_run=true (the default) nothing is written: the answer (200) is the report — would_create, would_update, unchanged and each row's errors with its row number (the header is row 1) and column. With dry_run=false the file is stored and imported by a background job: the answer is 202 {import_id}; GET /imports/{id} shows its progress and result. The import is all or nothing: one bad row and no asset is written. Rows naming existing assets also need assets.update. Problems with the file as a whole answer 422 import_file_invalid (empty, not UTF-8, not CSV, unknown or missing columns), 413 beyond 20 MiB or 50,000 rows, 415 when the body is not multipart/form-data.
         */
        post: operations["postAssetsImport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/assets/import/template": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download the asset import template (CSV header row)
         * @description The header row of every importable column, no example rows. Required columns: name, category, type, site. id, when filled, names the asset to update; else site + name do (an existing asset is updated, otherwise one is created). site and vendor are names; vlans is site/zone/number (//20 is VLAN 20 without a zone, /zone/20 a zone without site); list cells (vlans, ip_addresses, mac_addresses, cpe, tags) are separated by ';'. Columns may come in any order; an export (GET /assets/export) imports as it is, its source, first_seen and last_seen columns being ignored.
         */
        get: operations["getAssetsImportTemplate"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/check-method": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** How an e-mail address signs in (same answer shape for unknown addresses) */
        post: operations["postAuthCheckMethod"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/invitations/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Accept an invitation: set the password and sign in */
        post: operations["postAuthInvitationsAccept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with e-mail and password */
        post: operations["postAuthLogin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the session of the refresh cookie (needs X-CSRF-Token) */
        post: operations["postAuthLogout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/mfa/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Complete a sign-in with a TOTP code or a recovery code */
        post: operations["postAuthMfaVerify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password/forgot": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mail a password-reset link (same answer whether or not the address exists) */
        post: operations["postAuthPasswordForgot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set a new password with a reset token; ends every session */
        post: operations["postAuthPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate the refresh cookie and get a new access token (needs X-CSRF-Token) */
        post: operations["postAuthRefresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Register an organisation (pending until a licence is applied) */
        post: operations["postAuthRegister"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cmdb/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * CMDB counts for dashboards
         * @description Sites, vendors, managed assets by category, criticality and lifecycle, devices awaiting review and open drift, in one call.
         */
        get: operations["getCmdbSummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Device: take the commands due (X-Device-Key)
         * @description Answers the device's pending commands, oldest first, and leases each for 60 seconds: one not acknowledged within its lease is delivered again (de-duplicate by id). Expired commands are never delivered. The call also counts as the device's heartbeat. 401 invalid_device_key; rate limited per device.
         */
        get: operations["getCommands"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/commands/{id}/ack": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Device: report a command's outcome (X-Device-Key)
         * @description Finishes a delivered command as completed, failed or rejected. The same outcome again answers 200 unchanged; another outcome of a finished command is 409 command_finished; another device's command is 404.
         */
        post: operations["postCommandsIdAck"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List edge devices in name order
         * @description Status is online when the device called within three poll intervals, offline when earlier, never_seen before its first call. Deregistered devices are listed only with status=deregistered.
         */
        get: operations["getDevices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An edge device with its latest telemetry */
        get: operations["getDevicesId"];
        put?: never;
        post?: never;
        /**
         * Deregister a device
         * @description Revokes the device key at once (the device's next call answers 401) and keeps the device, its telemetry, logs and commands as history.
         */
        delete: operations["deleteDevicesId"];
        options?: never;
        head?: never;
        /**
         * Change a device's name, site, location or roles
         * @description Only the fields sent change; site_id null takes the device out of its site. A stale version answers 409 version_conflict.
         */
        patch: operations["patchDevicesId"];
        trace?: never;
    };
    "/api/v1/devices/{id}/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A device's commands with their results, newest first */
        get: operations["getDevicesIdCommands"];
        put?: never;
        /**
         * Queue a command for a device
         * @description Each type has its payload (see the payload field). The command expires undelivered after expires_in_s (1 hour by default, at most 7 days). 409 device_deregistered for a deregistered device.
         */
        post: operations["postDevicesIdCommands"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/commands/{command_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A command of a device with its result */
        get: operations["getDevicesIdCommandsCommandId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/commands/{command_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a pending or delivered command
         * @description 409 command_finished once it completed, failed, was rejected, expired or was cancelled.
         */
        post: operations["postDevicesIdCommandsCommandIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A device's own log lines, newest first */
        get: operations["getDevicesIdLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/snaps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What agent a device runs and the latest release it could run
         * @description The device's reported agent version, os and arch, the latest release of its channel (stable) for that platform, and whether it is newer (semantic versions; merely different when either is not one).
         */
        get: operations["getDevicesIdSnaps"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/telemetry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A device's telemetry history in time buckets, for charts
         * @description Average and maximum CPU, memory and disk per bucket; at most 1000 buckets (422 otherwise).
         */
        get: operations["getDevicesIdTelemetry"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register a device with a registration key
         * @description The key comes in the X-Provisioning-Key header or as registration_key. A wrong account name or key, or an expired, used-up or revoked key, all answer 401 invalid_registration. 403 licence_limit when the licence's max_devices are registered; 403 tenant_pending / tenant_suspended for an organisation that is not active. The device key in the answer is shown only here. Rate limited per client IP.
         */
        post: operations["postDevicesRegister"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/diagrams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List diagrams in name order, without their canvas */
        get: operations["getDiagrams"];
        put?: never;
        /**
         * Create a diagram of a site, empty, with a canvas, or generated from a preset
         * @description preset full_stack draws site → zones → VLANs → assets, cmdb_only VLANs and assets (assets without a VLAN hang off the site); a site with more than 5,000 records to draw is refused (422 too_many_nodes). The assets the canvas draws are linked to the diagram.
         */
        post: operations["postDiagrams"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/diagrams/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A diagram with its canvas and its unlinked nodes
         * @description unlinked_nodes lists the inventory nodes whose site, zone, VLAN or asset no longer exists.
         */
        get: operations["getDiagramsId"];
        put?: never;
        post?: never;
        /** Delete a diagram */
        delete: operations["deleteDiagramsId"];
        options?: never;
        head?: never;
        /**
         * Rename a diagram or change its description
         * @description A diagram stays on its site (422 immutable for another site_id). A stale version answers 409 version_conflict.
         */
        patch: operations["patchDiagramsId"];
        trace?: never;
    };
    "/api/v1/diagrams/{id}/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Save a diagram's canvas at the version read
         * @description A stale version answers 409 version_conflict naming the current version. On success the version grows by one and the diagram's asset links are rewritten from its asset nodes (nodes of deleted assets are kept and reported as unlinked). The canvas may hold 5,000 nodes, 10,000 edges and 2 MiB of JSON.
         */
        put: operations["putDiagramsIdContent"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/diagrams/{id}/generate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import hierarchy: generate a preset canvas of the diagram's site without saving it
         * @description Answers nodes and edges laid out in rows (full_stack: site → zones → VLANs → assets; cmdb_only: VLANs + assets, assets without a VLAN under the site). Node ids are <kind>-<record id>, so the editor merges them into its canvas by id and saves with PUT /content. Nothing is stored.
         */
        post: operations["postDiagramsIdGenerate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/discovered": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The review queue: discovered devices awaiting review, newest first
         * @description Devices edge appliances saw that match no asset. Approve, merge or ignore each. They do not count against the licence's max_assets until approved.
         */
        get: operations["getDiscovered"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/discovered/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a discovered device as an asset
         * @description The body (optional) fills gaps: name, category, type, VLANs, vendor, owner ... The asset becomes active (or planned) and counts against max_assets (403 licence_limit beyond it). 409 not_discovered when the asset is not awaiting review.
         */
        post: operations["postDiscoveredIdApprove"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/discovered/{id}/ignore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ignore a discovered device
         * @description Deletes the discovered record; its MAC addresses (or, without one, its IP addresses in the site) are ignored from now on.
         */
        post: operations["postDiscoveredIdIgnore"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/discovered/{id}/merge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Merge a discovered device into the asset it is
         * @description Adds the addresses the asset lacks, moves what discovery saw (observed values, first/last seen, observation history) to it, deletes the discovered record and compares the observed values with the asset (drift). The asset's recorded values are otherwise unchanged. into_asset_id must be a reviewed asset (422).
         */
        post: operations["postDiscoveredIdMerge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/discovered/ignored": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Ignored devices, newest first
         * @description MAC addresses discovery never reports again (anywhere in the organisation) and, for devices without a MAC, IP addresses within a site.
         */
        get: operations["getDiscoveredIgnored"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/discovered/ignored/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Stop ignoring a device
         * @description The next sighting of the device puts it in the review queue again.
         */
        delete: operations["deleteDiscoveredIgnoredId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/drift": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Drift between recorded and observed values, newest first
         * @description Where discovery observed a firmware version, model, serial number or host name other than the asset's. Open records by default; status asks for accepted or dismissed ones.
         */
        get: operations["getDrift"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/drift/{id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept the observed value
         * @description Writes the observed value into the asset (a new asset version, audited as assets.drift_accept) and closes the record. 409 drift_not_open when it is already resolved.
         */
        post: operations["postDriftIdAccept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/drift/{id}/dismiss": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Dismiss the drift
         * @description Closes the record and leaves the asset unchanged; the same observed value does not open drift again, a different one does. 409 drift_not_open when it is already resolved.
         */
        post: operations["postDriftIdDismiss"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/edge/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List registration keys, newest first
         * @description Each key shows its prefix (never the key), site, uses, expiry, last use and status.
         */
        get: operations["getEdgeKeys"];
        put?: never;
        /**
         * Make a registration key
         * @description The answer carries the key (prov_…) this once; it is stored hashed. A retry with the same Idempotency-Key within 24 hours gets the same answer, key included.
         */
        post: operations["postEdgeKeys"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/edge/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A registration key */
        get: operations["getEdgeKeysId"];
        put?: never;
        post?: never;
        /**
         * Revoke a registration key
         * @description The key registers nothing more; it stays listed as revoked. Devices it registered keep working. Revoking a revoked key answers 204 again.
         */
        delete: operations["deleteEdgeKeysId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List asset imports, newest first
         * @description Without their row errors (error_count tells how many are listed on the import).
         */
        get: operations["getImports"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/imports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An asset import: status, progress and result report
         * @description status queued → running → succeeded or failed. rows_done / total_rows is the progress while running. A failed import wrote nothing; errors lists the rows at fault (the first 1,000), message says why.
         */
        get: operations["getImportsId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user, tenant, permissions and features */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change your own profile; e-mail and password changes need current_password
         * @description A new password ends every other session.
         */
        patch: operations["patchMe"];
        trace?: never;
    };
    "/api/v1/me/features": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Optional modules of the tenant's licence */
        get: operations["getMeFeatures"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/mfa/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm enrolment with a code; returns ten recovery codes, shown once */
        post: operations["postMeMfaConfirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/mfa/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Switch two-factor sign-in off (needs the password) */
        post: operations["postMeMfaDisable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/mfa/recovery-codes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace the recovery codes (needs the password) */
        post: operations["postMeMfaRecoveryCodes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/mfa/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start TOTP enrolment: a secret and its otpauth:// URL */
        post: operations["postMeMfaSetup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your signed-in devices */
        get: operations["getMeSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Sign one of your devices out */
        delete: operations["deleteMeSessionsId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI 3.1 document */
        get: operations["getOpenapiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/security/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List security alerts, newest first
         * @description Keyset pages ordered by observed time, newest first. Filters combine with AND; the comma-separated values of one filter with OR.
         */
        get: operations["getSecurityAlerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/security/alerts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A security alert */
        get: operations["getSecurityAlertsId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/security/alerts/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Acknowledge a security alert
         * @description Moves a new alert to acknowledged and records who and when. Acknowledging an acknowledged alert answers it unchanged; an alert past acknowledgement (investigating, resolved, ...) is 409 invalid_transition.
         */
        post: operations["postSecurityAlertsIdAcknowledge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/security/alerts/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Security alerts over time, counted per hour or day and severity
         * @description Every bucket from from (rounded down to the bucket) to to is present, oldest first, zero when no alert was observed in it. Buckets start on UTC boundaries; a range longer than 744 hours or 366 days is 422.
         */
        get: operations["getSecurityAlertsTimeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit log entries, newest first
         * @description Keyset pages ordered by time then id, newest first. Filters combine with AND.
         */
        get: operations["getSettingsAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/audit/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download every matching audit log entry (CSV or JSON)
         * @description Streams the entries matching the filters, newest first, as an attachment: CSV with a header row (cells a spreadsheet would run as a formula start with a single quote), or with format=json a JSON array of the entries the list returns. At most 1000000 entries; a larger export is refused with export_too_large. The export is recorded as audit.export. A download that ends without a complete body failed part-way and must not be used.
         */
        get: operations["getSettingsAuditExport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List groups in name order, with their member counts */
        get: operations["getSettingsGroups"];
        put?: never;
        /**
         * Create a group
         * @description The permissions may cover only keys you hold yourself (403 grant_exceeds_own), so managing groups never raises anyone above your own access.
         */
        post: operations["postSettingsGroups"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/groups/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A group with its members */
        get: operations["getSettingsGroupsId"];
        put?: never;
        post?: never;
        /** Delete a custom group */
        delete: operations["deleteSettingsGroupsId"];
        options?: never;
        head?: never;
        /**
         * Change a group's name, description or permissions
         * @description Built-in groups keep their name and permissions (409 built_in_group). New permissions may cover only keys you hold yourself (403 grant_exceeds_own).
         */
        patch: operations["patchSettingsGroupsId"];
        trace?: never;
    };
    "/api/v1/settings/groups/{id}/members/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Add a user to a group
         * @description Only to a group whose permissions you hold yourself (403 grant_exceeds_own): a member gets every permission of the group, so you cannot add anyone, yourself included, to a group that grants more than you have.
         */
        put: operations["putSettingsGroupsIdMembersUserId"];
        post?: never;
        /**
         * Remove a user from a group
         * @description The Admin group keeps at least one active member (409 last_admin).
         */
        delete: operations["deleteSettingsGroupsIdMembersUserId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/licence/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Fetch this organisation's licence from the management plane now */
        post: operations["postSettingsLicenceRefresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/permissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The permission catalogue: every key with its area and optional module, in display order
         * @description The same for every organisation; a group may still grant only keys you hold yourself.
         */
        get: operations["getSettingsPermissions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/tenant": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Organisation settings: name, time zone, sign-in policies, retention */
        get: operations["getSettingsTenant"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change organisation settings (send the version you read)
         * @description Sign-in policies also need settings.auth.manage; retention needs settings.retention.manage.
         */
        patch: operations["patchSettingsTenant"];
        trace?: never;
    };
    "/api/v1/settings/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List users in e-mail order */
        get: operations["getSettingsUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user with their groups */
        get: operations["getSettingsUsersId"];
        put?: never;
        post?: never;
        /**
         * Remove a user
         * @description Refused for your own account (409 own_account) and for the last active Admin (409 last_admin).
         */
        delete: operations["deleteSettingsUsersId"];
        options?: never;
        head?: never;
        /** Change a user's display name */
        patch: operations["patchSettingsUsersId"];
        trace?: never;
    };
    "/api/v1/settings/users/{id}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Disable a user and end their sessions
         * @description Refused for your own account (409 own_account) and for the last active Admin (409 last_admin).
         */
        post: operations["postSettingsUsersIdDisable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/users/{id}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Let a disabled user sign in again */
        post: operations["postSettingsUsersIdEnable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/users/{id}/sessions/end": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End every session of a user */
        post: operations["postSettingsUsersIdSessionsEnd"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/users/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Pending invitations */
        get: operations["getSettingsUsersInvitations"];
        put?: never;
        /** Invite a user by e-mail into groups (Read only when none) */
        post: operations["postSettingsUsersInvitations"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/users/invitations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a pending invitation */
        delete: operations["deleteSettingsUsersInvitationsId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/users/invitations/{id}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a pending invitation again with a fresh link */
        post: operations["postSettingsUsersInvitationsIdResend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List sites in name order, with their counts
         * @description Each site carries the number of its zones, VLANs (of its zones), assets and edge devices.
         */
        get: operations["getSites"];
        put?: never;
        /**
         * Create a site
         * @description The name, and the code when set, are unique in the organisation, in any case (422 taken).
         */
        post: operations["postSites"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sites/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A site with its counts */
        get: operations["getSitesId"];
        put?: never;
        post?: never;
        /**
         * Delete a site with its zones and VLANs
         * @description Refused with 409 has_dependants while assets or diagrams belong to the site; the problem's errors list each kind with its count.
         */
        delete: operations["deleteSitesId"];
        options?: never;
        head?: never;
        /**
         * Change a site
         * @description Only the fields sent change; null clears a field. A stale version answers 409 version_conflict.
         */
        patch: operations["patchSitesId"];
        trace?: never;
    };
    "/api/v1/sites/{id}/zones/preset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create the usual Purdue zones in a site
         * @description Creates one zone per Purdue level (Level 0 - Field devices, Level 1 - Field devices, Level 2 - Control, Level 3 - Operations, Level 3.5 - Industrial DMZ, Level 4 - Enterprise IT, Level 5 - Enterprise IT), skipping names the site already has. Answers 201 with the zones created, or 200 with an empty list when the site had them all.
         */
        post: operations["postSitesIdZonesPreset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/snaps/{version}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an agent release (devices, X-Device-Key)
         * @description The binary, with Content-Length, its SHA-256 (hex) in X-Snap-Sha256 and its signature in X-Snap-Signature. 404 when the version is not published for the channel and platform.
         */
        get: operations["getSnapsVersionDownload"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/snaps/latest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The latest agent release of a channel and platform (devices, X-Device-Key)
         * @description Authenticated by the device's X-Device-Key header, not a user's token. Latest is the release published last for the channel, os and arch; 404 when there is none. Before installing, an agent checks the download's SHA-256 and the signature with the release public key.
         */
        get: operations["getSnapsLatest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/snaps/public-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The public key that verifies this Cloud's agent releases
         * @description Configure agents with it; every release's signature verifies with it (docs/releases.md).
         */
        get: operations["getSnapsPublicKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/vendors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List vendors in name order
         * @description Each vendor carries the number of assets that name it.
         */
        get: operations["getVendors"];
        put?: never;
        /**
         * Create a vendor
         * @description The name is unique in the organisation, in any case (422 taken).
         */
        post: operations["postVendors"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/vendors/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A vendor */
        get: operations["getVendorsId"];
        put?: never;
        post?: never;
        /**
         * Delete a vendor
         * @description Refused with 409 has_dependants while assets name the vendor.
         */
        delete: operations["deleteVendorsId"];
        options?: never;
        head?: never;
        /**
         * Change a vendor
         * @description Only the fields sent change; null clears a field. A stale version answers 409 version_conflict.
         */
        patch: operations["patchVendorsId"];
        trace?: never;
    };
    "/api/v1/vlans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List VLANs in number order
         * @description Each VLAN carries its zone's name, the zone's site and the number of assets in it.
         */
        get: operations["getVlans"];
        put?: never;
        /**
         * Create a VLAN
         * @description The number is unique in the zone, and among VLANs without a zone (422 taken). The CIDR is a network without host bits; the gateway lies inside it.
         */
        post: operations["postVlans"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/vlans/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A VLAN */
        get: operations["getVlansId"];
        put?: never;
        post?: never;
        /**
         * Delete a VLAN
         * @description Refused with 409 has_dependants while assets sit in the VLAN.
         */
        delete: operations["deleteVlansId"];
        options?: never;
        head?: never;
        /**
         * Change a VLAN
         * @description Only the fields sent change; null clears a field. Moving the VLAN to a zone of another site is refused (422 assets_in_other_site on zone_id) while it holds assets of a different site. A stale version answers 409 version_conflict.
         */
        patch: operations["patchVlansId"];
        trace?: never;
    };
    "/api/v1/ws/ticket": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A single-use ticket for a WebSocket connection
         * @description Browsers cannot send an Authorization header when they open a WebSocket: they pass this ticket as ?ticket= instead. It is valid for 30 seconds and one connection (on any replica); the connection lasts until the access token used here expires.
         */
        post: operations["postWsTicket"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/zones": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List zones in name order
         * @description Each zone carries its site's name and the number of its VLANs.
         */
        get: operations["getZones"];
        put?: never;
        /**
         * Create a zone
         * @description The name is unique in the zone's site (any case; 422 taken).
         */
        post: operations["postZones"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/zones/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A zone */
        get: operations["getZonesId"];
        put?: never;
        post?: never;
        /**
         * Delete a zone
         * @description Refused with 409 has_dependants while the zone has VLANs.
         */
        delete: operations["deleteZonesId"];
        options?: never;
        head?: never;
        /**
         * Change a zone
         * @description Only the fields sent change; null clears a field. Moving the zone to another site is refused (422 assets_in_other_site on site_id) while its VLANs hold assets of a different site. A stale version answers 409 version_conflict.
         */
        patch: operations["patchZonesId"];
        trace?: never;
    };
    "/api/ws/security": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live feed of new security alerts (WebSocket)
         * @description A GET that upgrades to a WebSocket (101). Credentials: ?ticket= (single use, from POST /api/v1/ws/ticket), ?token= with an access token, or the Authorization header. A browser's Origin must be an allowed origin. The server sends one text message per new alert of the tenant, {"type": "alert", "data": <the alert as GET /security/alerts/{id} answers it>}, and pings every 30 seconds; clients send nothing but pongs. A client that falls behind is closed with 1008, and when the access token ends with 4001 (reconnect with a new ticket). Alerts raised while a client is not connected are not replayed: list them.
         */
        get: operations["getWsSecurity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is running */
        get: operations["getHealthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/license/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Apply a licence pushed by the management plane (HMAC-signed, idempotent per event_id)
         * @description Headers X-Hmac-Timestamp (Unix seconds, at most 5 minutes off) and X-Hmac-Signature (sha256=<hex HMAC-SHA256 of timestamp, a dot and the raw body>). A bad or stale signature answers 401.
         */
        post: operations["postInternalLicenseRefresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/v1/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Provision an operator-created organisation; its first admin is invited by e-mail
         * @description Authorization: Bearer CLOUD_INTERNAL_API_TOKEN. Idempotent per tenant_id.
         */
        post: operations["postInternalTenants"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the database answers and migrations are current */
        get: operations["getReadyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Accepted: {
            status: string;
        };
        AcceptInvitationRequest: {
            display_name: string;
            password: string;
            token: string;
        };
        Ack: {
            /** @description at most 4000 characters */
            error?: string;
            /** @description any JSON, at most 256 KiB */
            result?: unknown;
            /** @enum {string} */
            status: "completed" | "failed" | "rejected";
        };
        Actor: {
            /**
             * Format: uuid
             * @description null for the system and anonymous callers
             */
            id: string | null;
            /** @description readable name (an e-mail) when it was known */
            label: string;
            /** @enum {string} */
            type: "user" | "device" | "operator" | "system" | "anonymous";
        };
        Alert: {
            /** Format: date-time */
            acknowledged_at: string | null;
            /** Format: uuid */
            acknowledged_by: string | null;
            /**
             * Format: uuid
             * @description the asset resolved from the alert's IP within the device's site
             */
            asset_id: string | null;
            category: string;
            /** Format: date-time */
            created_at: string;
            description: string;
            destination_ip: string | null;
            destination_port: number | null;
            /**
             * Format: uuid
             * @description the edge device that raised it
             */
            device_id: string | null;
            /**
             * Format: uuid
             * @description the ingest event it came from
             */
            event_id: string | null;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            observed_at: string;
            protocol: string;
            /** @enum {string} */
            severity: "info" | "low" | "medium" | "high" | "critical";
            signature_id: string;
            /** Format: uuid */
            site_id: string | null;
            source_ip: string | null;
            source_port: number | null;
            /** @enum {string} */
            status: "new" | "acknowledged" | "investigating" | "resolved" | "false_positive" | "escalated";
            title: string;
            /** Format: date-time */
            updated_at: string;
            version: number;
        };
        Asset: {
            /** @enum {string} */
            category: "it" | "ot";
            cpe: string[];
            /** Format: date-time */
            created_at: string;
            /** @enum {string} */
            criticality: "low" | "medium" | "high" | "critical";
            firmware_version: string;
            /** Format: date-time */
            first_seen: string | null;
            hostname: string;
            /** Format: uuid */
            id: string;
            ip_addresses: string[];
            /** Format: date-time */
            last_seen: string | null;
            /** @enum {string} */
            lifecycle: "planned" | "active" | "decommissioned" | "discovered";
            location_detail: string;
            mac_addresses: string[];
            model: string;
            name: string;
            notes: string;
            /** @description what discovery last saw, beside the intended values */
            observed: {
                [key: string]: unknown;
            };
            os: string;
            owner: string;
            serial_number: string;
            /** Format: uuid */
            site_id: string;
            site_name: string;
            /** @enum {string} */
            source: "manual" | "import" | "discovery";
            tags: string[];
            type: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: uuid */
            vendor_id: string | null;
            vendor_name: string;
            version: number;
            vlan_ids: string[];
        };
        AssetDetail: {
            /** @enum {string} */
            category: "it" | "ot";
            cpe: string[];
            cpe_suggestions: components["schemas"]["CPESuggestion"][];
            /** Format: date-time */
            created_at: string;
            /** @enum {string} */
            criticality: "low" | "medium" | "high" | "critical";
            firmware_version: string;
            /** Format: date-time */
            first_seen: string | null;
            hostname: string;
            /** Format: uuid */
            id: string;
            ip_addresses: string[];
            /** Format: date-time */
            last_seen: string | null;
            /** @enum {string} */
            lifecycle: "planned" | "active" | "decommissioned" | "discovered";
            location_detail: string;
            mac_addresses: string[];
            model: string;
            name: string;
            notes: string;
            /** @description what discovery last saw, beside the intended values */
            observed: {
                [key: string]: unknown;
            };
            os: string;
            owner: string;
            /** @description keyed by panel name (diagrams, drift ...); each module documents its own */
            panels: {
                [key: string]: unknown;
            };
            relationships: components["schemas"]["Relationship"][];
            serial_number: string;
            /** Format: uuid */
            site_id: string;
            site_name: string;
            /** @enum {string} */
            source: "manual" | "import" | "discovery";
            tags: string[];
            type: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: uuid */
            vendor_id: string | null;
            vendor_name: string;
            version: number;
            vlan_ids: string[];
            vlans: components["schemas"]["AssetVLAN"][];
        };
        AssetImport: {
            created: number;
            /** Format: date-time */
            created_at: string;
            /** Format: uuid */
            created_by: string | null;
            /** @description errors listed (at most 1,000; message tells the total) */
            error_count: number;
            errors: components["schemas"]["ImportError"][];
            filename: string;
            /** Format: date-time */
            finished_at: string | null;
            /** Format: uuid */
            id: string;
            message: string;
            /** @description rows written so far while running */
            rows_done: number;
            /** Format: date-time */
            started_at: string | null;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed";
            total_rows: number;
            updated: number;
        };
        AssetImportSummary: {
            created: number;
            /** Format: date-time */
            created_at: string;
            /** Format: uuid */
            created_by: string | null;
            /** @description errors listed (at most 1,000; message tells the total) */
            error_count: number;
            filename: string;
            /** Format: date-time */
            finished_at: string | null;
            /** Format: uuid */
            id: string;
            message: string;
            /** @description rows written so far while running */
            rows_done: number;
            /** Format: date-time */
            started_at: string | null;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed";
            total_rows: number;
            updated: number;
        };
        AssetInput: {
            /** @enum {string} */
            category: "it" | "ot";
            /** @description CPE 2.3 formatted strings */
            cpe?: string[];
            /**
             * @description default medium
             * @enum {string}
             */
            criticality?: "low" | "medium" | "high" | "critical";
            firmware_version?: string;
            hostname?: string;
            ip_addresses?: string[];
            /**
             * @description default active
             * @enum {string}
             */
            lifecycle?: "planned" | "active" | "decommissioned";
            location_detail?: string;
            /** @description EUI-48 in any common notation; stored as aa:bb:cc:dd:ee:ff */
            mac_addresses?: string[];
            model?: string;
            name: string;
            notes?: string;
            os?: string;
            owner?: string;
            serial_number?: string;
            /** Format: uuid */
            site_id: string;
            tags?: string[];
            type: string;
            /** Format: uuid */
            vendor_id?: string | null;
            vlan_ids?: string[];
        };
        AssetPatch: {
            /** @enum {string|null} */
            category?: "it" | "ot" | null;
            cpe?: string[] | null;
            /** @enum {string|null} */
            criticality?: "low" | "medium" | "high" | "critical" | null;
            firmware_version?: string | null;
            hostname?: string | null;
            ip_addresses?: string[] | null;
            /** @enum {string|null} */
            lifecycle?: "planned" | "active" | "decommissioned" | null;
            location_detail?: string | null;
            mac_addresses?: string[] | null;
            model?: string | null;
            name?: string | null;
            notes?: string | null;
            os?: string | null;
            owner?: string | null;
            serial_number?: string | null;
            /** Format: uuid */
            site_id?: string | null;
            tags?: string[] | null;
            type?: string | null;
            /**
             * Format: uuid
             * @description the nil UUID removes the vendor
             */
            vendor_id?: string | null;
            version: number;
            vlan_ids?: string[] | null;
        };
        AssetVLAN: {
            cidr: string;
            /** Format: uuid */
            id: string;
            name: string;
            number: number;
            /**
             * Format: uuid
             * @description the nil UUID when the VLAN has no zone
             */
            zone_id: string;
            zone_name: string;
        };
        Canvas: {
            /** @description React Flow edges: {id, source, target, type?, data?, style?, ...}; ids unique, source and target name nodes of this canvas; at most 10,000 */
            edges: unknown[];
            /** @description React Flow nodes: {id, type?, position: {x, y}, data: {label?, kind?: site|zone|vlan|asset, record_id?: uuid (required with kind), ...}, parentId?, ...}; ids unique; at most 5,000 */
            nodes: unknown[];
            viewport?: components["schemas"]["CanvasViewport"] | null;
        };
        CanvasViewport: {
            x: number;
            y: number;
            /** @description greater than 0 */
            zoom: number;
        };
        CheckMethodRequest: {
            email: string;
        };
        CheckMethodResponse: {
            /** @enum {string} */
            method: "password" | "sso";
        };
        Command: {
            /**
             * Format: date-time
             * @description the latest delivery
             */
            delivered_at: string | null;
            delivery_count: number;
            /** Format: uuid */
            device_id: string;
            error: string;
            /** Format: date-time */
            expires_at: string;
            /** Format: date-time */
            finished_at: string | null;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            issued_at: string;
            /** Format: uuid */
            issued_by: string | null;
            /** Format: date-time */
            lease_until: string | null;
            payload: unknown;
            /** @description what the device reported (discovery summary, ping output) */
            result: unknown;
            /** @enum {string} */
            status: "pending" | "delivered" | "completed" | "failed" | "rejected" | "expired" | "cancelled";
            type: string;
        };
        CPESuggestion: {
            cpe: string;
            reason: string;
        };
        CPESuggestions: {
            items: components["schemas"]["CPESuggestion"][];
        };
        CreatedKey: {
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /** Format: uuid */
            id: string;
            /** @description prov_…; shown only in this answer, stored hashed */
            key: string;
            /** @description the start of the key, to tell keys apart */
            key_prefix: string;
            label: string;
            /** Format: date-time */
            last_used_at: string | null;
            max_uses: number | null;
            /** Format: date-time */
            revoked_at: string | null;
            /**
             * Format: uuid
             * @description devices registered with the key land in this site
             */
            site_id: string | null;
            site_name: string | null;
            /** @enum {string} */
            status: "active" | "expired" | "exhausted" | "revoked";
            uses: number;
        };
        Device: {
            agent_version: string;
            arch: string;
            capabilities: string[];
            /** Format: date-time */
            deregistered_at: string | null;
            hostname: string;
            /** Format: uuid */
            id: string;
            ip_addresses: string[];
            /** @description the start of the device key; empty once deregistered */
            key_prefix: string;
            /** Format: date-time */
            last_seen_at: string | null;
            last_seen_ip: string | null;
            /** @description the newest sample: cpu_percent, memory_percent, disk_percent, interfaces, uptime_s */
            latest_telemetry: unknown;
            /** Format: date-time */
            latest_telemetry_at: string | null;
            location: string;
            name: string;
            os: string;
            poll_interval_s: number;
            /** Format: date-time */
            registered_at: string;
            /** @description sensor, vpn_gateway, backup_collector */
            roles: string[];
            /** Format: uuid */
            site_id: string | null;
            site_name: string | null;
            /** @enum {string} */
            status: "online" | "offline" | "never_seen" | "deregistered";
            type: string;
            /** Format: date-time */
            updated_at: string;
            upload_interval_s: number;
            version: number;
        };
        DeviceLog: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            level: "debug" | "info" | "warn" | "error";
            message: string;
            source: string;
            /** Format: date-time */
            ts: string;
        };
        DevicePatch: {
            location?: string | null;
            name?: string | null;
            /** @description the whole set: sensor, vpn_gateway, backup_collector */
            roles?: string[];
            /**
             * Format: uuid
             * @description null moves the device out of any site
             */
            site_id?: string | null;
            /** @description the version read; if the device changed since, the answer is 409 version_conflict */
            version: number;
        };
        DeviceSnaps: {
            /** @description as the device reported it; empty when never reported */
            agent_version: string;
            arch: string;
            /** @description the channel compared with; devices follow stable */
            channel: string;
            /** Format: uuid */
            device_id: string;
            /** @description the latest release of the device's channel and platform; null when there is none */
            latest: components["schemas"]["Release"] | null;
            os: string;
            update_available: boolean;
        };
        Diagram: {
            content: components["schemas"]["Canvas"];
            /** Format: date-time */
            created_at: string;
            /** Format: uuid */
            created_by: string | null;
            description: string;
            /** Format: uuid */
            id: string;
            name: string;
            /** Format: uuid */
            site_id: string;
            /** @description inventory nodes whose referenced record no longer exists */
            unlinked_nodes: components["schemas"]["UnlinkedNode"][];
            /** Format: date-time */
            updated_at: string;
            /** Format: uuid */
            updated_by: string | null;
            /** @description send it back with PATCH and PUT /content; it grows by one with every change */
            version: number;
        };
        DiagramContentUpdate: {
            content: components["schemas"]["Canvas"];
            /** @description the version read; if the diagram changed since, the answer is 409 version_conflict naming the current version */
            version: number;
        };
        DiagramGenerateRequest: {
            /** @enum {string} */
            preset: "full_stack" | "cmdb_only";
        };
        DiagramPatch: {
            description?: string | null;
            name?: string | null;
            /**
             * Format: uuid
             * @description cannot be changed: only the diagram's own site is accepted (422 immutable otherwise); copy the canvas into a new diagram of the other site instead
             */
            site_id?: string | null;
            /** @description the version read; if the diagram changed since, the answer is 409 version_conflict */
            version: number;
        };
        DiagramSummary: {
            /** Format: date-time */
            created_at: string;
            /** Format: uuid */
            created_by: string | null;
            description: string;
            /** Format: uuid */
            id: string;
            name: string;
            node_count: number;
            /** Format: uuid */
            site_id: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: uuid */
            updated_by: string | null;
            version: number;
        };
        DiscoveredApproval: {
            /** @enum {string|null} */
            category?: "it" | "ot" | null;
            cpe?: string[] | null;
            /** @enum {string|null} */
            criticality?: "low" | "medium" | "high" | "critical" | null;
            firmware_version?: string | null;
            hostname?: string | null;
            /**
             * @description default active
             * @enum {string|null}
             */
            lifecycle?: "planned" | "active" | null;
            location_detail?: string | null;
            model?: string | null;
            name?: string | null;
            notes?: string | null;
            os?: string | null;
            owner?: string | null;
            serial_number?: string | null;
            tags?: string[] | null;
            type?: string | null;
            /**
             * Format: uuid
             * @description the nil UUID removes the vendor
             */
            vendor_id?: string | null;
            /** @description the version you read; stale answers 409 version_conflict, 0 skips the check */
            version?: number;
            vlan_ids?: string[] | null;
        };
        DiscoveredMerge: {
            /**
             * Format: uuid
             * @description an asset of the organisation that is not itself awaiting review
             */
            into_asset_id: string;
        };
        DriftRecord: {
            /** Format: uuid */
            asset_id: string;
            asset_name: string;
            /** @enum {string} */
            field: "firmware_version" | "model" | "serial_number" | "hostname";
            /** Format: uuid */
            id: string;
            /** @description the asset's value when the drift was last observed */
            intended: string;
            /** Format: date-time */
            last_observed_at: string;
            observed: string;
            /** Format: date-time */
            opened_at: string;
            /** Format: date-time */
            resolved_at: string | null;
            /** Format: uuid */
            resolved_by: string | null;
            /** Format: uuid */
            site_id: string;
            site_name: string;
            /** @enum {string} */
            status: "open" | "accepted" | "dismissed";
        };
        edge_Registration: {
            /** @description the organisation's account name (tenant slug) */
            account_name: string;
            agent_version?: string;
            /** @description GOARCH, e.g. arm64 */
            arch?: string;
            /** @description at most 64, e.g. discovery, modbus */
            capabilities?: string[];
            hostname?: string;
            location?: string;
            name: string;
            /** @description GOOS, e.g. linux */
            os?: string;
            /** @description prov_…; or send it in the X-Provisioning-Key header */
            registration_key?: string;
            /** @description lowercase letters, digits, _ and -; edgezu when empty */
            type?: string;
        };
        EndSessionsResponse: {
            ended: number;
        };
        Entry: {
            /** @description resource.verb, e.g. auth.login */
            action: string;
            actor: components["schemas"]["Actor"];
            /** Format: date-time */
            at: string;
            /** @description changed fields, each {before, after}; secrets redacted */
            changes: {
                [key: string]: unknown;
            };
            /** Format: uuid */
            id: string;
            /** @description client IP address; empty when not known */
            ip: string;
            request_id: string;
            resource_id: string;
            resource_type: string;
            summary: string;
            user_agent: string;
        };
        FieldError: {
            code: string;
            field: string;
            message: string;
        };
        ForgotPasswordRequest: {
            email: string;
        };
        Group: {
            /**
             * @description set on the groups every tenant starts with: they cannot be deleted, renamed or given other permissions
             * @enum {string}
             */
            built_in?: "admin" | "read_only";
            /** Format: date-time */
            created_at: string;
            description: string;
            /** Format: uuid */
            id: string;
            member_count: number;
            name: string;
            /** @description catalogue keys, "*" or "resource.*" */
            permissions: string[];
            /** Format: date-time */
            updated_at: string;
            version: number;
        };
        GroupDetail: {
            /**
             * @description set on the groups every tenant starts with: they cannot be deleted, renamed or given other permissions
             * @enum {string}
             */
            built_in?: "admin" | "read_only";
            /** Format: date-time */
            created_at: string;
            description: string;
            /** Format: uuid */
            id: string;
            member_count: number;
            members: components["schemas"]["GroupMember"][];
            name: string;
            /** @description catalogue keys, "*" or "resource.*" */
            permissions: string[];
            /** Format: date-time */
            updated_at: string;
            version: number;
        };
        GroupMember: {
            display_name: string;
            email: string;
            /** Format: uuid */
            id: string;
        };
        GroupPatch: {
            description?: string | null;
            name?: string | null;
            permissions?: string[] | null;
            /** @description the version read; if the group changed since, the answer is 409 version_conflict */
            version: number;
        };
        GroupRef: {
            /** Format: uuid */
            id: string;
            name: string;
        };
        Health: {
            /** @enum {string} */
            status: "ok" | "ready";
        };
        IgnoredDevice: {
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            ignored_at: string;
            /** Format: uuid */
            ignored_by: string | null;
            /** @description the device's address when it was ignored; the ignored address when mac is empty */
            ip: string;
            /** @description empty when the device is ignored by IP address */
            mac: string;
            /** Format: uuid */
            site_id: string;
            site_name: string;
        };
        ImportError: {
            /** @description stable machine code: required, invalid, unknown, other_site, taken, duplicate, ... */
            code: string;
            /** @description the CSV column at fault; empty when the row as a whole is */
            column: string;
            message: string;
            /** @description the row as a spreadsheet numbers it: the header is row 1, the first asset row 2 */
            row: number;
        };
        ImportReport: {
            /** @description every error found; errors lists the first 1,000 */
            error_count: number;
            errors: components["schemas"]["ImportError"][];
            /** @description asset rows in the file (blank rows are skipped) */
            total_rows: number;
            /** @description rows naming an existing asset without changing it */
            unchanged: number;
            would_create: number;
            would_update: number;
        };
        Invitation: {
            /** Format: date-time */
            created_at: string;
            email: string;
            /** Format: date-time */
            expires_at: string;
            group_ids: string[];
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            status: "pending" | "accepted" | "revoked" | "expired";
            /** Format: uuid */
            user_id: string;
        };
        InvitationList: {
            items: components["schemas"]["Invitation"][];
        };
        LoginRequest: {
            email: string;
            password: string;
        };
        ManagedUser: {
            /** @enum {string} */
            appearance: "system" | "light" | "dark";
            /** Format: date-time */
            created_at: string;
            display_name: string;
            email: string;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            last_login_at: string | null;
            locale: string;
            mfa_enabled: boolean;
            /** @enum {string} */
            status: "invited" | "active" | "disabled";
            version: number;
        };
        MeResponse: {
            features: {
                [key: string]: boolean;
            };
            licence_expiring: boolean;
            mfa_enrollment_required: boolean;
            permissions: string[];
            tenant: components["schemas"]["Tenant"];
            user: components["schemas"]["User"];
        };
        MFAConfirmRequest: {
            code: string;
        };
        MFASetup: {
            otpauth_url: string;
            secret: string;
        };
        MFAVerifyRequest: {
            recovery_code?: string;
            session_token: string;
            totp_code?: string;
        };
        NewCommand: {
            /** @description seconds until it expires undelivered; 3600 when absent, at most 604800 */
            expires_in_s?: number;
            /** @description run_discovery {subnet, ports?, rate_pps?}; restart_service {service}; config_update {settings}; update_agent {version}; ping {target}; port_check {target, ports} */
            payload: unknown;
            /** @enum {string} */
            type: "run_discovery" | "restart_service" | "config_update" | "update_agent" | "ping" | "port_check";
        };
        NewDiagram: {
            /** @description the initial canvas; leave out for an empty one or use preset */
            content?: components["schemas"]["Canvas"] | null;
            description?: string;
            name: string;
            /**
             * @description generate the canvas from the site's inventory instead of sending one
             * @enum {string}
             */
            preset?: "full_stack" | "cmdb_only";
            /** Format: uuid */
            site_id: string;
        };
        NewGroup: {
            description?: string;
            name: string;
            permissions?: string[];
        };
        NewInvitation: {
            email: string;
            group_ids: string[];
        };
        NewKey: {
            /**
             * Format: date-time
             * @description after this the key registers nothing; at most five years ahead
             */
            expires_at?: string | null;
            label: string;
            /** @description how many devices may register with it, 1-100000; unlimited when absent */
            max_uses?: number | null;
            /**
             * Format: uuid
             * @description the site devices registered with the key land in
             */
            site_id?: string | null;
        };
        NewRelationship: {
            note?: string;
            /** Format: uuid */
            target_asset_id: string;
            /** @enum {string} */
            type: "connected_to" | "depends_on" | "runs_on" | "part_of" | "controls" | "monitors";
        };
        NewSite: {
            code?: string;
            contact?: string;
            description?: string;
            /** @description -90 to 90; give both coordinates or neither */
            latitude?: number | null;
            location?: string;
            /** @description -180 to 180; give both coordinates or neither */
            longitude?: number | null;
            name: string;
            /**
             * @description active when empty
             * @enum {string}
             */
            status?: "planned" | "active" | "decommissioned";
            /** @description IANA time zone; UTC when empty */
            timezone?: string;
        };
        NewVendor: {
            /** @description absolute http(s) URL of the PSIRT or advisory page */
            advisory_url?: string;
            /** @description CPE 2.3 vendor component: lowercase letters, digits, _ . - and backslash-escaped punctuation */
            cpe_vendor?: string;
            name: string;
            support_contact?: string;
            /** @description absolute http(s) URL */
            website?: string;
        };
        NewVLAN: {
            /** @description network in CIDR notation without host bits, e.g. 10.0.1.0/24 */
            cidr?: string;
            /** @description an address inside cidr (needs cidr) */
            gateway?: string;
            name?: string;
            /** @description 1-4094, unique in the zone (and among VLANs without a zone) */
            number: number;
            /**
             * Format: uuid
             * @description the zone; omit or null for a VLAN outside any zone
             */
            zone_id?: string | null;
        };
        NewZone: {
            description?: string;
            name: string;
            /** @enum {string} */
            purdue_level: "0" | "1" | "2" | "3" | "3.5" | "4" | "5";
            /** @description target security level (IEC 62443 SL 0-4) */
            security_level?: number | null;
            /**
             * Format: uuid
             * @description the site; omit or null for a zone outside any site
             */
            site_id?: string | null;
        };
        Page_Alert: {
            items: components["schemas"]["Alert"][];
            next_cursor: string | null;
        };
        Page_Asset: {
            items: components["schemas"]["Asset"][];
            next_cursor: string | null;
        };
        Page_AssetImportSummary: {
            items: components["schemas"]["AssetImportSummary"][];
            next_cursor: string | null;
        };
        Page_Command: {
            items: components["schemas"]["Command"][];
            next_cursor: string | null;
        };
        Page_Device: {
            items: components["schemas"]["Device"][];
            next_cursor: string | null;
        };
        Page_DeviceLog: {
            items: components["schemas"]["DeviceLog"][];
            next_cursor: string | null;
        };
        Page_DiagramSummary: {
            items: components["schemas"]["DiagramSummary"][];
            next_cursor: string | null;
        };
        Page_DriftRecord: {
            items: components["schemas"]["DriftRecord"][];
            next_cursor: string | null;
        };
        Page_Entry: {
            items: components["schemas"]["Entry"][];
            next_cursor: string | null;
        };
        Page_Group: {
            items: components["schemas"]["Group"][];
            next_cursor: string | null;
        };
        Page_IgnoredDevice: {
            items: components["schemas"]["IgnoredDevice"][];
            next_cursor: string | null;
        };
        Page_ManagedUser: {
            items: components["schemas"]["ManagedUser"][];
            next_cursor: string | null;
        };
        Page_RegistrationKey: {
            items: components["schemas"]["RegistrationKey"][];
            next_cursor: string | null;
        };
        Page_Site: {
            items: components["schemas"]["Site"][];
            next_cursor: string | null;
        };
        Page_TimelineItem: {
            items: components["schemas"]["TimelineItem"][];
            next_cursor: string | null;
        };
        Page_Vendor: {
            items: components["schemas"]["Vendor"][];
            next_cursor: string | null;
        };
        Page_VLAN: {
            items: components["schemas"]["VLAN"][];
            next_cursor: string | null;
        };
        Page_Zone: {
            items: components["schemas"]["Zone"][];
            next_cursor: string | null;
        };
        PasswordRequest: {
            password: string;
        };
        PendingCommand: {
            /** Format: date-time */
            expires_at: string;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            issued_at: string;
            payload: unknown;
            type: string;
        };
        Permission: {
            area: string;
            feature?: string;
            key: string;
        };
        Problem: {
            code: string;
            detail?: string;
            errors?: components["schemas"]["FieldError"][];
            instance?: string;
            request_id?: string;
            status: number;
            title: string;
            type: string;
        };
        ProfilePatch: {
            /** @enum {string|null} */
            appearance?: "system" | "light" | "dark" | null;
            current_password?: string;
            display_name?: string | null;
            email?: string | null;
            locale?: string | null;
            new_password?: string | null;
        };
        ProvisionRequest: {
            account_name: string;
            admin_email: string;
            organization_name: string;
            /** Format: uuid */
            tenant_id: string;
        };
        ProvisionResponse: {
            created: boolean;
            status: string;
            /** Format: uuid */
            tenant_id: string;
        };
        PublicKey: {
            /** @enum {string} */
            algorithm: "ed25519";
            /** @description base64 of the 32-byte Ed25519 public key */
            public_key: string;
        };
        Push: {
            event_id: string;
            /** Format: date-time */
            expires_at: string | null;
            features: string[];
            grace_days: number;
            /** Format: date-time */
            issued_at: string;
            limits: {
                [key: string]: number;
            };
            plan: string;
            /**
             * Format: date-time
             * @description defaults to issued_at
             */
            starts_at?: string | null;
            /** @enum {string} */
            status: "pending" | "active" | "suspended" | "deleted";
            /** Format: uuid */
            tenant_id: string;
        };
        PushResponse: {
            /** @enum {string} */
            outcome: "applied" | "already_applied" | "stale";
        };
        RecoveryCodesResponse: {
            recovery_codes: string[];
        };
        RefreshResponse: {
            /** @enum {string} */
            outcome: "applied" | "already_applied" | "stale";
        };
        Registered: {
            /** Format: uuid */
            device_id: string;
            /** @description dvc_…; send it as X-Device-Key on every device call; shown only here */
            device_key: string;
            ingest_url: string;
            poll_interval_s: number;
            /** Format: uuid */
            tenant_id: string;
            upload_interval_s: number;
        };
        RegisterResponse: {
            status: string;
            /** Format: uuid */
            tenant_id: string;
        };
        Registration: {
            account_name: string;
            display_name: string;
            email: string;
            organization_name: string;
            password: string;
        };
        RegistrationKey: {
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /** Format: uuid */
            id: string;
            /** @description the start of the key, to tell keys apart */
            key_prefix: string;
            label: string;
            /** Format: date-time */
            last_used_at: string | null;
            max_uses: number | null;
            /** Format: date-time */
            revoked_at: string | null;
            /**
             * Format: uuid
             * @description devices registered with the key land in this site
             */
            site_id: string | null;
            site_name: string | null;
            /** @enum {string} */
            status: "active" | "expired" | "exhausted" | "revoked";
            uses: number;
        };
        Relationship: {
            /** Format: date-time */
            created_at: string;
            /** @enum {string} */
            direction: "outgoing" | "incoming";
            /** Format: uuid */
            id: string;
            note: string;
            /** Format: uuid */
            other_asset_id: string;
            other_asset_name: string;
            other_asset_site_name: string;
            /** Format: uuid */
            source_asset_id: string;
            /** Format: uuid */
            target_asset_id: string;
            /** @enum {string} */
            type: "connected_to" | "depends_on" | "runs_on" | "part_of" | "controls" | "monitors";
        };
        Relationships: {
            items: components["schemas"]["Relationship"][];
        };
        Release: {
            arch: string;
            channel: string;
            /** @description path of the download on this API, relative to its base URL */
            download_url: string;
            /** Format: uuid */
            id: string;
            os: string;
            /** Format: date-time */
            published_at: string;
            /** @description lower-case hex SHA-256 of the binary */
            sha256: string;
            /** @description base64 Ed25519 signature of the release message (docs/releases.md) */
            signature: string;
            /** @description bytes */
            size: number;
            version: string;
        };
        ResetPasswordRequest: {
            password: string;
            token: string;
        };
        Session: {
            /** Format: date-time */
            created_at: string;
            current: boolean;
            /** Format: uuid */
            id: string;
            ip: string | null;
            /** Format: date-time */
            last_used_at: string;
            user_agent: string;
        };
        SessionList: {
            items: components["schemas"]["Session"][];
        };
        SettingsPatch: {
            audit_retention_days?: number | null;
            auth_policy?: string | null;
            display_name?: string | null;
            ingest_events_retention_days?: number | null;
            mfa_policy?: string | null;
            timezone?: string | null;
            version: number;
        };
        SeverityCounts: {
            critical: number;
            high: number;
            info: number;
            low: number;
            medium: number;
        };
        Site: {
            /** @description short code, unique when set (any case) */
            code: string;
            contact: string;
            counts: components["schemas"]["SiteCounts"];
            /** Format: date-time */
            created_at: string;
            description: string;
            /** Format: uuid */
            id: string;
            /** @description WGS 84 degrees, -90 to 90; set together with longitude */
            latitude: number | null;
            /** @description address or location text */
            location: string;
            /** @description WGS 84 degrees, -180 to 180; set together with latitude */
            longitude: number | null;
            name: string;
            /** @enum {string} */
            status: "planned" | "active" | "decommissioned";
            /** @description IANA time zone, e.g. Europe/Berlin */
            timezone: string;
            /** Format: date-time */
            updated_at: string;
            version: number;
        };
        SiteCounts: {
            assets: number;
            /** @description edge appliances registered to the site */
            edge_devices: number;
            /** @description VLANs of the site's zones */
            vlans: number;
            zones: number;
        };
        SitePatch: {
            /** @description empty or null removes the code */
            code?: string | null;
            contact?: string | null;
            description?: string | null;
            /** @description null removes the coordinates; the site keeps both or neither */
            latitude?: number | null;
            location?: string | null;
            /** @description null removes the coordinates; the site keeps both or neither */
            longitude?: number | null;
            name?: string | null;
            /** @enum {string|null} */
            status?: "planned" | "active" | "decommissioned" | null;
            /** @description empty or null sets UTC */
            timezone?: string | null;
            /** @description the version read; if the site changed since, the answer is 409 version_conflict */
            version: number;
        };
        Summary: {
            assets: number;
            /** @description it, ot */
            by_category: {
                [key: string]: number;
            };
            /** @description low, medium, high, critical */
            by_criticality: {
                [key: string]: number;
            };
            /** @description planned, active, decommissioned */
            by_lifecycle: {
                [key: string]: number;
            };
            /** @description devices in the review queue */
            discovered: number;
            open_drift: number;
            sites: number;
            vendors: number;
        };
        TelemetryBucket: {
            cpu_avg: number | null;
            cpu_max: number | null;
            disk_avg: number | null;
            disk_max: number | null;
            memory_avg: number | null;
            memory_max: number | null;
            samples: number;
            /** Format: date-time */
            start: string;
            /** @description the highest uptime reported in the bucket */
            uptime_s: number | null;
        };
        TelemetryHistory: {
            bucket: string;
            /** @description buckets with samples only, oldest first */
            buckets: components["schemas"]["TelemetryBucket"][];
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
        };
        Tenant: {
            account_name: string;
            /** @enum {string} */
            auth_policy: "standard" | "restricted";
            /** Format: date-time */
            created_at: string;
            display_name: string;
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            mfa_policy: "optional" | "required";
            /** @enum {string} */
            status: "pending" | "active" | "suspended" | "deleted";
            timezone: string;
            /** Format: date-time */
            updated_at: string;
        };
        TenantSettings: {
            audit_retention_days: number;
            /** @enum {string} */
            auth_policy: "standard" | "restricted";
            display_name: string;
            ingest_events_retention_days: number;
            /** @enum {string} */
            mfa_policy: "optional" | "required";
            timezone: string;
            version: number;
        };
        Timeline: {
            /** @enum {string} */
            bucket: "hour" | "day";
            /** Format: date-time */
            from: string;
            points: components["schemas"]["TimelinePoint"][];
            /** Format: date-time */
            to: string;
        };
        TimelineItem: {
            /** @description the audit action of a change */
            action?: string;
            actor?: components["schemas"]["Actor"] | null;
            /** Format: date-time */
            at: string;
            /** @description what an observation saw */
            attributes?: {
                [key: string]: unknown;
            };
            /** @description a change's fields, each {before, after} */
            changes?: {
                [key: string]: unknown;
            };
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            kind: "change" | "observation";
            summary: string;
        };
        TimelinePoint: {
            counts: components["schemas"]["SeverityCounts"];
            /** Format: date-time */
            start: string;
        };
        TokenResponse: {
            access_token?: string;
            expires_in?: number;
            mfa_enrollment_required?: boolean;
            mfa_required?: boolean;
            session_token?: string;
            token_type?: string;
            user?: components["schemas"]["User"] | null;
        };
        UnlinkedNode: {
            /** @enum {string} */
            kind: "site" | "zone" | "vlan" | "asset";
            node_id: string;
            /** Format: uuid */
            record_id: string;
        };
        User: {
            /** @enum {string} */
            appearance: "system" | "light" | "dark";
            /** Format: date-time */
            created_at: string;
            display_name: string;
            email: string;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            last_login_at: string | null;
            locale: string;
            mfa_enabled: boolean;
            /** @enum {string} */
            status: "invited" | "active" | "disabled";
        };
        UserDetail: {
            /** @enum {string} */
            appearance: "system" | "light" | "dark";
            /** Format: date-time */
            created_at: string;
            display_name: string;
            email: string;
            groups: components["schemas"]["GroupRef"][];
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            last_login_at: string | null;
            locale: string;
            mfa_enabled: boolean;
            /** @enum {string} */
            status: "invited" | "active" | "disabled";
            version: number;
        };
        UserPatch: {
            display_name?: string | null;
            /** @description the version read; if the user changed since, the answer is 409 version_conflict */
            version: number;
        };
        Vendor: {
            /** @description the vendor's PSIRT or security advisory page */
            advisory_url: string;
            asset_count: number;
            /** @description the vendor component of the vendor's CPE 2.3 names, e.g. siemens */
            cpe_vendor: string;
            /** Format: date-time */
            created_at: string;
            /** Format: uuid */
            id: string;
            name: string;
            support_contact: string;
            /** Format: date-time */
            updated_at: string;
            version: number;
            website: string;
        };
        VendorPatch: {
            /** @description empty or null removes it */
            advisory_url?: string | null;
            cpe_vendor?: string | null;
            name?: string | null;
            support_contact?: string | null;
            /** @description the version read; if the vendor changed since, the answer is 409 version_conflict */
            version: number;
            /** @description empty or null removes it */
            website?: string | null;
        };
        VLAN: {
            asset_count: number;
            /** @description the network, e.g. 10.0.1.0/24; null when not recorded */
            cidr: string | null;
            /** Format: date-time */
            created_at: string;
            /** @description an address inside cidr; null when not recorded */
            gateway: string | null;
            /** Format: uuid */
            id: string;
            name: string;
            /** @description 802.1Q VLAN id, 1-4094 */
            number: number;
            /**
             * Format: uuid
             * @description the zone's site; null when the VLAN has no zone or the zone no site
             */
            site_id: string | null;
            site_name: string;
            /** Format: date-time */
            updated_at: string;
            version: number;
            /**
             * Format: uuid
             * @description null for a VLAN outside any zone
             */
            zone_id: string | null;
            zone_name: string;
        };
        VLANPatch: {
            /** @description empty or null removes the network (and needs the gateway removed too) */
            cidr?: string | null;
            /** @description empty or null removes the gateway */
            gateway?: string | null;
            name?: string | null;
            number?: number | null;
            /** @description the version read; if the VLAN changed since, the answer is 409 version_conflict */
            version: number;
            /**
             * Format: uuid
             * @description null takes the VLAN out of its zone; refused while it holds assets of a site other than the new zone's
             */
            zone_id?: string | null;
        };
        WSTicket: {
            /** Format: date-time */
            expires_at: string;
            /** @description pass as ?ticket= on the WebSocket URL; used once */
            ticket: string;
        };
        Zone: {
            /** Format: date-time */
            created_at: string;
            description: string;
            /** Format: uuid */
            id: string;
            name: string;
            /**
             * @description "3.5" is the industrial DMZ
             * @enum {string}
             */
            purdue_level: "0" | "1" | "2" | "3" | "3.5" | "4" | "5";
            /** @description target security level (IEC 62443 SL 0-4); null when not set */
            security_level: number | null;
            /**
             * Format: uuid
             * @description null for a zone outside any site
             */
            site_id: string | null;
            /** @description empty for a zone outside any site */
            site_name: string;
            /** Format: date-time */
            updated_at: string;
            version: number;
            vlan_count: number;
        };
        ZonePatch: {
            description?: string | null;
            name?: string | null;
            /** @enum {string|null} */
            purdue_level?: "0" | "1" | "2" | "3" | "3.5" | "4" | "5" | null;
            /** @description null clears the target security level */
            security_level?: number | null;
            /**
             * Format: uuid
             * @description null takes the zone out of its site; refused while its VLANs hold assets of another site
             */
            site_id?: string | null;
            /** @description the version read; if the zone changed since, the answer is 409 version_conflict */
            version: number;
        };
        ZonePresetResult: {
            /** @description the zones created now, in level order; empty when the site had them all */
            created: components["schemas"]["Zone"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    postAdminPublish: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** @description Go's GOARCH of the build, e.g. amd64 or arm64 */
                    arch: string;
                    /** @description 1 to 32 of a-z 0-9 -, starting with a letter; stable when omitted */
                    channel?: string;
                    /** @description the agent binary: at most 256 MiB, and at most what HTTP_UPLOAD_LIMIT allows */
                    file: string;
                    /** @description Go's GOOS of the build, e.g. linux */
                    os: string;
                    /** @description 1 to 64 of A-Z a-z 0-9 . + -, starting with a letter or digit; semantic versions order updates */
                    version: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Release"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAssets: {
        parameters: {
            query?: {
                /** @description it, ot */
                category?: string;
                /** @description low, medium, high, critical (comma-separated) */
                criticality?: string;
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description RFC 3339, inclusive */
                last_seen_from?: string;
                /** @description RFC 3339, exclusive */
                last_seen_to?: string;
                /** @description planned, active, decommissioned, discovered (comma-separated); without it discovered devices are left out */
                lifecycle?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description free text: part of the name, hostname, an IP or MAC address, serial number or model */
                q?: string;
                /** @description site ids, comma-separated */
                site_id?: string;
                /** @description a column, - for descending: name (default), site, vendor, category, type, criticality, lifecycle, hostname, model, serial_number, firmware_version, os, owner, source, first_seen, last_seen, created_at, updated_at */
                sort?: string;
                /** @description manual, import, discovery (comma-separated) */
                source?: string;
                /** @description tags the asset has all of, comma-separated */
                tag?: string;
                /** @description asset types, comma-separated */
                type?: string;
                /** @description vendor ids, comma-separated */
                vendor_id?: string;
                /** @description VLAN ids, comma-separated */
                vlan_id?: string;
                /** @description zone ids, comma-separated: assets in a VLAN of the zone */
                zone_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Asset"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAssets: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key returns the first answer (24 hours) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AssetInput"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Asset"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAssetsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssetDetail"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteAssetsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchAssetsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AssetPatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Asset"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAssetsIdRelationships: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Relationships"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAssetsIdRelationships: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key returns the first answer (24 hours) */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewRelationship"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Relationship"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteAssetsIdRelationshipsRelationshipId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                relationship_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAssetsIdTimeline: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_TimelineItem"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAssetsCpeSuggestions: {
        parameters: {
            query?: {
                firmware_version?: string;
                model?: string;
                os?: string;
                vendor_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CPESuggestions"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAssetsExport: {
        parameters: {
            query?: {
                /** @description it, ot */
                category?: string;
                /** @description low, medium, high, critical (comma-separated) */
                criticality?: string;
                /** @description file format (default csv) */
                format?: string;
                /** @description RFC 3339, inclusive */
                last_seen_from?: string;
                /** @description RFC 3339, exclusive */
                last_seen_to?: string;
                /** @description planned, active, decommissioned, discovered (comma-separated); without it discovered devices are left out */
                lifecycle?: string;
                /** @description free text: part of the name, hostname, an IP or MAC address, serial number or model */
                q?: string;
                /** @description site ids, comma-separated */
                site_id?: string;
                /** @description a column, - for descending: name (default), site, vendor, category, type, criticality, lifecycle, hostname, model, serial_number, firmware_version, os, owner, source, first_seen, last_seen, created_at, updated_at */
                sort?: string;
                /** @description manual, import, discovery (comma-separated) */
                source?: string;
                /** @description tags the asset has all of, comma-separated */
                tag?: string;
                /** @description asset types, comma-separated */
                type?: string;
                /** @description vendor ids, comma-separated */
                vendor_id?: string;
                /** @description VLAN ids, comma-separated */
                vlan_id?: string;
                /** @description zone ids, comma-separated: assets in a VLAN of the zone */
                zone_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAssetsImport: {
        parameters: {
            query?: {
                /** @description true (the default) checks the file and answers its report; false imports it in the background (202) */
                dry_run?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * @description as the query parameter (either may be used)
                     * @enum {string}
                     */
                    dry_run?: "true" | "false";
                    /** @description the CSV file: UTF-8, comma-separated, header row first; at most 20 MiB and 50,000 asset rows */
                    file: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportReport"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAssetsImportTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAuthCheckMethod: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CheckMethodRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckMethodResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAuthInvitationsAccept: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AcceptInvitationRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAuthLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAuthLogout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAuthMfaVerify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MFAVerifyRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAuthPasswordForgot: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ForgotPasswordRequest"];
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAuthPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResetPasswordRequest"];
            };
        };
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAuthRefresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAuthRegister: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Registration"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegisterResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCmdbSummary: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Summary"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCommands: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PendingCommand"][];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postCommandsIdAck: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Ack"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Command"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDevices: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description part of the name, hostname or location, any case */
                q?: string;
                /** @description only devices of this site */
                site_id?: string;
                /** @description only devices in this state; without it deregistered devices are left out */
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Device"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDevicesId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Device"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteDevicesId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchDevicesId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DevicePatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Device"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDevicesIdCommands: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Command"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postDevicesIdCommands: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key returns the first answer (24 hours) */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewCommand"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Command"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDevicesIdCommandsCommandId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                command_id: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Command"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postDevicesIdCommandsCommandIdCancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                command_id: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Command"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDevicesIdLogs: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description RFC 3339, inclusive */
                from?: string;
                /** @description this level and above */
                level?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description RFC 3339, exclusive */
                to?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_DeviceLog"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDevicesIdSnaps: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceSnaps"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDevicesIdTelemetry: {
        parameters: {
            query?: {
                /** @description bucket width; the narrowest giving at most 1000 buckets when absent */
                bucket?: string;
                /** @description RFC 3339; 24 hours before to when absent */
                from?: string;
                /** @description RFC 3339; now when absent */
                to?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TelemetryHistory"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postDevicesRegister: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["edge_Registration"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Registered"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDiagrams: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description part of the name, any case */
                q?: string;
                /** @description only the diagrams of this site */
                site_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_DiagramSummary"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postDiagrams: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key returns the first answer (24 hours) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewDiagram"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Diagram"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDiagramsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Diagram"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteDiagramsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchDiagramsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DiagramPatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Diagram"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putDiagramsIdContent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DiagramContentUpdate"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Diagram"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postDiagramsIdGenerate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DiagramGenerateRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Canvas"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDiscovered: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description free text: part of the name, hostname, an IP or MAC address, serial number or model */
                q?: string;
                /** @description site ids, comma-separated */
                site_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Asset"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postDiscoveredIdApprove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DiscoveredApproval"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Asset"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postDiscoveredIdIgnore: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postDiscoveredIdMerge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DiscoveredMerge"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Asset"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDiscoveredIgnored: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description one site's ignores */
                site_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_IgnoredDevice"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteDiscoveredIgnoredId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDrift: {
        parameters: {
            query?: {
                /** @description one asset's drift */
                asset_id?: string;
                /** @description next_cursor of the previous page */
                cursor?: string;
                field?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description drift of the site's assets */
                site_id?: string;
                /** @description default open */
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_DriftRecord"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postDriftIdAccept: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DriftRecord"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postDriftIdDismiss: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DriftRecord"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEdgeKeys: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_RegistrationKey"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postEdgeKeys: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key returns the first answer (24 hours) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewKey"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedKey"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEdgeKeysId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegistrationKey"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteEdgeKeysId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getImports: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_AssetImportSummary"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getImportsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssetImport"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MeResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProfilePatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMeFeatures: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: boolean;
                    };
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postMeMfaConfirm: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MFAConfirmRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecoveryCodesResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postMeMfaDisable: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordRequest"];
            };
        };
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postMeMfaRecoveryCodes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecoveryCodesResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postMeMfaSetup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MFASetup"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMeSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionList"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteMeSessionsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOpenapiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSecurityAlerts: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description edge device ids, comma-separated */
                device_id?: string;
                /** @description observed at or after, RFC 3339 (encode + as %2B) */
                from?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description info, low, medium, high, critical (comma-separated) */
                severity?: string;
                /** @description site ids, comma-separated */
                site_id?: string;
                /** @description new, acknowledged, investigating, resolved, false_positive, escalated (comma-separated) */
                status?: string;
                /** @description observed before, RFC 3339 (encode + as %2B) */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Alert"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSecurityAlertsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Alert"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postSecurityAlertsIdAcknowledge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Alert"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSecurityAlertsTimeline: {
        parameters: {
            query?: {
                /** @description hour (default) or day; buckets start on UTC hour or day boundaries */
                bucket?: string;
                /** @description observed at or after, RFC 3339, rounded down to the bucket (default: 24 hours or 30 days before to) */
                from?: string;
                /** @description observed before, RFC 3339 (default: now); at most 744 hourly or 366 daily buckets */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Timeline"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSettingsAudit: {
        parameters: {
            query?: {
                /** @description an action (auth.login), or every action under a prefix ending in .* (auth.*) */
                action?: string;
                /** @description entries by this user, device or operator */
                actor_id?: string;
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description RFC 3339, inclusive (encode + as %2B) */
                from?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                resource_id?: string;
                /** @description e.g. user, session, tenant */
                resource_type?: string;
                /** @description RFC 3339, exclusive (encode + as %2B) */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Entry"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSettingsAuditExport: {
        parameters: {
            query?: {
                /** @description an action (auth.login), or every action under a prefix ending in .* (auth.*) */
                action?: string;
                /** @description entries by this user, device or operator */
                actor_id?: string;
                /** @description file format (default csv) */
                format?: string;
                /** @description RFC 3339, inclusive (encode + as %2B) */
                from?: string;
                resource_id?: string;
                /** @description e.g. user, session, tenant */
                resource_type?: string;
                /** @description RFC 3339, exclusive (encode + as %2B) */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSettingsGroups: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Group"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postSettingsGroups: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key returns the first answer (24 hours) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewGroup"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Group"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSettingsGroupsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupDetail"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteSettingsGroupsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchSettingsGroupsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GroupPatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Group"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putSettingsGroupsIdMembersUserId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteSettingsGroupsIdMembersUserId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postSettingsLicenceRefresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSettingsPermissions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Permission"][];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSettingsTenant: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantSettings"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchSettingsTenant: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SettingsPatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantSettings"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSettingsUsers: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description part of the e-mail or display name, any case */
                q?: string;
                /** @description only users in this state */
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_ManagedUser"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSettingsUsersId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserDetail"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteSettingsUsersId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchSettingsUsersId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UserPatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ManagedUser"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postSettingsUsersIdDisable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ManagedUser"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postSettingsUsersIdEnable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ManagedUser"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postSettingsUsersIdSessionsEnd: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EndSessionsResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSettingsUsersInvitations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationList"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postSettingsUsersInvitations: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key returns the first answer (24 hours) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewInvitation"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invitation"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteSettingsUsersInvitationsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postSettingsUsersInvitationsIdResend: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSites: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description part of the name or code, any case */
                q?: string;
                /** @description only sites in this state */
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Site"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postSites: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key returns the first answer (24 hours) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewSite"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Site"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSitesId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Site"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteSitesId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchSitesId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SitePatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Site"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postSitesIdZonesPreset: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key returns the first answer (24 hours) */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ZonePresetResult"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSnapsVersionDownload: {
        parameters: {
            query?: {
                /** @description required: Go's GOARCH of the device, e.g. amd64 */
                arch?: string;
                /** @description release channel; stable when omitted */
                channel?: string;
                /** @description required: Go's GOOS of the device, e.g. linux */
                os?: string;
            };
            header?: never;
            path: {
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSnapsLatest: {
        parameters: {
            query?: {
                /** @description required: Go's GOARCH of the device, e.g. amd64 */
                arch?: string;
                /** @description release channel; stable when omitted */
                channel?: string;
                /** @description required: Go's GOOS of the device, e.g. linux */
                os?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Release"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSnapsPublicKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublicKey"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getVendors: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description part of the name, any case */
                q?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Vendor"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postVendors: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key returns the first answer (24 hours) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewVendor"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Vendor"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getVendorsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Vendor"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteVendorsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchVendorsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VendorPatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Vendor"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getVlans: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description only VLANs with this number, 1-4094 */
                number?: string;
                /** @description only the VLANs of this site's zones */
                site_id?: string;
                /** @description only the VLANs of this zone */
                zone_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_VLAN"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postVlans: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key returns the first answer (24 hours) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewVLAN"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VLAN"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getVlansId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VLAN"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteVlansId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchVlansId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VLANPatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VLAN"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postWsTicket: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WSTicket"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getZones: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description items per page, 1-200 (default 50) */
                limit?: number;
                /** @description only the zones at this Purdue level */
                purdue_level?: string;
                /** @description only the zones of this site */
                site_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Zone"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postZones: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key returns the first answer (24 hours) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewZone"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Zone"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getZonesId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Zone"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteZonesId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchZonesId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ZonePatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Zone"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWsSecurity: {
        parameters: {
            query?: {
                /** @description a ticket from POST /api/v1/ws/ticket (browsers) */
                ticket?: string;
                /** @description an access token, as an alternative to the ticket or the Authorization header */
                token?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Switching Protocols */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getHealthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postInternalLicenseRefresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Push"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PushResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postInternalTenants: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProvisionRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProvisionResponse"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getReadyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Problem details (RFC 9457) */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}

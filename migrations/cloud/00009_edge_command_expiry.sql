-- The periodic command-expiry job (internal/cloud/edge/command_expiry.go)
-- marks overdue commands of every tenant expired, on the audited platform
-- role: it may change exactly the columns expiring touches.

-- +goose Up
GRANT SELECT, UPDATE (status, finished_at, lease_until) ON edge_commands TO monozu_cloud_platform;

-- +goose Down
REVOKE SELECT, UPDATE (status, finished_at, lease_until) ON edge_commands FROM monozu_cloud_platform;

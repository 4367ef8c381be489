// Package migrations embeds the versioned SQL of each database and names the
// roles that SQL grants to. The rules every migration follows are in
// README.md beside this file; guards_test.go enforces them.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed cloud/*.sql
var cloudFS embed.FS

//go:embed mgmt/*.sql
var mgmtFS embed.FS

// Set is one database's migrations and the NOLOGIN group roles its SQL
// refers to. Login roles (from the connection URLs) become members of the
// app and platform groups; migrations run as the owner group.
type Set struct {
	Name         string
	FS           fs.FS
	OwnerRole    string // owns every object; migrations SET ROLE to it
	AppRole      string // privileges of the service's login role
	PlatformRole string // privileges of the audited cross-tenant role
	// DefinerRole owns the allowlisted SECURITY DEFINER lookup functions: a
	// NOLOGIN role with BYPASSRLS and column grants for exactly those lookups.
	DefinerRole string
	// JobQueue: the database also holds the job queue's (River's) tables.
	JobQueue bool
}

// Cloud is the Cloud database (api, ingest, worker).
func Cloud() Set {
	sub, err := fs.Sub(cloudFS, "cloud")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return Set{
		Name: "cloud", FS: sub,
		OwnerRole: "monozu_cloud_owner", AppRole: "monozu_cloud_app", PlatformRole: "monozu_cloud_platform",
		DefinerRole: "monozu_cloud_definer", JobQueue: true,
	}
}

// Mgmt is the management plane's own database (operators, tenants,
// licences, licence deliveries). It holds no tenant data of the Cloud and
// has a single owner, the platform provider, so its tables are global.
func Mgmt() Set {
	sub, err := fs.Sub(mgmtFS, "mgmt")
	if err != nil {
		panic(err)
	}
	return Set{
		Name: "mgmt", FS: sub,
		OwnerRole: "monozu_mgmt_owner", AppRole: "monozu_mgmt_app", PlatformRole: "monozu_mgmt_platform",
		DefinerRole: "monozu_mgmt_definer", JobQueue: true,
	}
}

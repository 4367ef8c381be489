package migrations_test

import (
	"context"
	"testing"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/migrations"
)

// TestManagementDatabase: the management set migrates into its own
// database with its own roles, and its app role may work there.
func TestManagementDatabase(t *testing.T) {
	set := migrations.Mgmt()
	d := dbtest.New(t, set)
	db := adminDB(t, d)
	var super, bypass bool
	if err := db.QueryRow(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`, dbtest.AppUserOf(set)).Scan(&super, &bypass); err != nil {
		t.Fatal(err)
	}
	if super || bypass {
		t.Fatalf("management app role superuser=%v bypassrls=%v", super, bypass)
	}
	var owner string
	if err := db.QueryRow(`SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'operators'`).Scan(&owner); err != nil || owner != set.OwnerRole {
		t.Fatalf("operators owned by %q (%v)", owner, err)
	}
	ctx := context.Background()
	err := d.App.InGlobal(ctx, func(tx *database.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO operators (email, name, role, password_hash, totp_secret) VALUES ('op@example.com', 'Op', 'admin', 'x', 'y')`)
		return err
	})
	if err != nil {
		t.Fatalf("the management app role cannot write operators: %v", err)
	}
	err = d.App.InGlobal(ctx, func(tx *database.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM operators`)
		return err
	})
	if err == nil {
		t.Fatal("the management app role may delete operators; they are disabled, never deleted")
	}
}

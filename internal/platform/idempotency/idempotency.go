// Package idempotency makes POST creates safe to retry (DESIGN.md §4): the
// first request with an Idempotency-Key runs, and every later one with the
// same key (in the same tenant) gets the first answer again. Keys live 24
// hours.
package idempotency

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Header carries the client's key; ReplayHeader marks a repeated answer.
const (
	Header       = "Idempotency-Key"
	ReplayHeader = "Idempotent-Replayed"
)

var validKey = regexp.MustCompile(`^[\x21-\x7e]{1,255}$`)

type stored struct {
	RequestHash string `db:"request_hash"`
	Status      *int   `db:"status"`
	ContentType string `db:"content_type"`
	Response    []byte `db:"response"`
	Fresh       bool   `db:"fresh"`
}

// Middleware runs after authentication (it needs the tenant on the context).
func Middleware(db *database.DB) fiber.Handler {
	return func(c fiber.Ctx) error {
		key := c.Get(Header)
		if key == "" {
			return c.Next()
		}
		if !validKey.MatchString(key) {
			return errs.Invalid(errs.Field(Header, "invalid", "must be 1-255 visible ASCII characters"))
		}
		key = strings.Clone(key)
		ctx := c.Context()
		hash := requestHash(c)
		var prior stored
		err := db.InTenant(ctx, func(tx *database.Tx) error {
			return tx.Get(ctx, &prior, `
				WITH claimed AS (
					INSERT INTO idempotency_keys (tenant_id, key, request_hash) VALUES ($1, $2, $3)
					ON CONFLICT (tenant_id, key) DO NOTHING
					RETURNING request_hash, status, content_type, response, true AS fresh)
				SELECT request_hash, status, content_type, response, fresh FROM claimed
				UNION ALL
				SELECT request_hash, status, content_type, response, false FROM idempotency_keys
				WHERE tenant_id = $1 AND key = $2 AND NOT EXISTS (SELECT 1 FROM claimed)`,
				tx.TenantID(), key, hash)
		})
		if err != nil {
			return err
		}
		if !prior.Fresh {
			return replay(c, prior, hash)
		}
		if err := c.Next(); err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				return herr
			}
		}
		return remember(c, db, key)
	}
}

func requestHash(c fiber.Ctx) string {
	h := sha256.New()
	h.Write([]byte(c.Method() + " " + c.Path() + "\n"))
	h.Write(c.Body())
	return hex.EncodeToString(h.Sum(nil))
}

func replay(c fiber.Ctx, prior stored, hash string) error {
	switch {
	case prior.RequestHash != hash:
		return errs.New(errs.KindValidation, "This Idempotency-Key was used for a different request.").WithCode("idempotency_key_reused")
	case prior.Status == nil:
		return errs.New(errs.KindConflict, "A request with this Idempotency-Key is still running; retry shortly.").WithCode("idempotency_in_progress")
	}
	c.Set(ReplayHeader, "true")
	if prior.ContentType != "" {
		c.Set(fiber.HeaderContentType, prior.ContentType)
	}
	return c.Status(*prior.Status).Send(prior.Response)
}

// remember stores the answer; a server error frees the key so a retry runs
// again.
func remember(c fiber.Ctx, db *database.DB, key string) error {
	ctx := c.Context()
	status := c.Response().StatusCode()
	return db.InTenant(ctx, func(tx *database.Tx) error {
		if status >= http.StatusInternalServerError {
			_, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`, tx.TenantID(), key)
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE idempotency_keys SET status = $3, content_type = $4, response = $5, completed_at = now()
			WHERE tenant_id = $1 AND key = $2`, tx.TenantID(), key, status,
			string(c.Response().Header.ContentType()), c.Response().Body())
		return err
	})
}

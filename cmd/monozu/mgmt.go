package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/mgmt"
	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/platform/config"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// setupMgmt serves the management API, or with -create-operator adds an
// operator and exits: the bootstrap of the first admin, who cannot be
// created over the API before anyone can sign in.
func setupMgmt(fs *flag.FlagSet) func(context.Context) error {
	addr := fs.String("addr", "", "listen address of the management API (overrides MGMT_ADDR)")
	create := fs.Bool("create-operator", false, "create an operator (with -email, -name, -role, -password-stdin), print the TOTP secret once, and exit")
	email := fs.String("email", "", "the new operator's e-mail address")
	name := fs.String("name", "", "the new operator's name")
	role := fs.String("role", "admin", "the new operator's role: admin or support")
	passwordStdin := fs.Bool("password-stdin", false, "read the new operator's password from the first line of standard input")
	return func(ctx context.Context) error {
		cfg, err := loadConfig(func(c *config.Config) error {
			return required("MGMT_DATABASE_URL", c.MgmtDatabaseURL, "SECRET_KEY", c.SecretKey,
				"CLOUD_API_URL", c.CloudAPIURL, "CLOUD_WEBHOOK_HMAC_SECRET", c.WebhookSecret,
				"CLOUD_INTERNAL_API_TOKEN", c.InternalToken)
		})
		if err != nil {
			return err
		}
		log := newLogger(cfg).With().Str("service", "mgmt").Logger()
		if *create && !*passwordStdin {
			return errors.New("-create-operator needs -password-stdin: passwords never go on the command line")
		}
		db, err := openMgmtDB(ctx, cfg)
		if err != nil {
			return err
		}
		defer func() { _ = db.Close() }()
		api, err := mgmt.NewAPI(mgmtDeps(cfg, db, log))
		if err != nil {
			return err
		}
		if *create {
			n := operators.NewOperator{Email: *email, Name: *name, Role: operators.Role(*role)}
			return createOperator(ctx, api.Operators, n, os.Stdin, os.Stdout)
		}
		if *addr != "" {
			cfg.MgmtAddr = *addr
		}
		log.Info().Interface("config", cfg.Masked()).Msg("starting the management API")
		return api.Run(ctx, cfg.MgmtAddr)
	}
}

func openMgmtDB(ctx context.Context, cfg *config.Config) (*database.DB, error) {
	db, err := database.Open(ctx, database.Options{
		URL: cfg.MgmtDatabaseURL, AppName: "monozu-mgmt", MaxOpenConns: cfg.DBMaxOpenConns, MaxIdleConns: cfg.DBMaxIdleConns,
		ConnMaxLifetime: cfg.DBConnMaxLifetime, QueryTimeout: cfg.DBQueryTimeout,
	})
	if err != nil {
		return nil, fmt.Errorf("connecting to MGMT_DATABASE_URL: %w", err)
	}
	return db, nil
}

func mgmtDeps(cfg *config.Config, db *database.DB, log zerolog.Logger) mgmt.Deps {
	return mgmt.Deps{
		HTTP: httpConfig(cfg, "mgmt"), DB: db, SecretKey: cfg.SecretKey,
		AccessTTL: cfg.AccessTokenTTL(), RefreshTTL: cfg.RefreshTokenTTL(),
		SecureCookies: !cfg.IsDevelopment(), AllowedOrigins: cfg.AllowOrigins, CredentialRateLimit: cfg.AuthRateLimit,
		CloudAPIURL: cfg.CloudAPIURL, WebhookSecret: []byte(cfg.WebhookSecret), InternalToken: cfg.InternalToken,
		Log: log,
	}
}

// createOperator reads the password from in and prints the enrolment: the
// TOTP secret and otpauth URI are shown this once.
func createOperator(ctx context.Context, svc *operators.Service, n operators.NewOperator, in io.Reader, out io.Writer) error {
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the password: %w", err)
	}
	n.Password = strings.TrimRight(line, "\r\n")
	e, err := svc.Create(ctx, n)
	var invalid *errs.Error
	if errors.As(err, &invalid) && len(invalid.Fields) > 0 {
		var fields []string
		for _, f := range invalid.Fields {
			fields = append(fields, f.Field+" "+f.Message)
		}
		return errors.New(strings.Join(fields, "; "))
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "Created operator %s (%s, %s).\n"+
		"Add this to an authenticator app now; it is not shown again.\n"+
		"TOTP secret: %s\notpauth URI: %s\n", e.Operator.Email, e.Operator.ID, e.Operator.Role, e.TOTPSecret, e.OTPAuthURL)
	return err
}

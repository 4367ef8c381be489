package mgmt

import (
	"context"
	"errors"

	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/platform/errs"
)

// The development operator `monozu dev` creates. The password is printed;
// it exists only in development databases.
const (
	DemoOperatorEmail    = "operator@demo.example.com"
	DemoOperatorPassword = "monozu-demo-operator-2026"
)

// SeedDemoOperator creates the development admin operator when it does not
// exist. Its TOTP enrolment can be shown only when it is created.
func SeedDemoOperator(ctx context.Context, ops *operators.Service) (*operators.Enrollment, error) {
	en, err := ops.Create(ctx, operators.NewOperator{Email: DemoOperatorEmail, Name: "Demo Operator",
		Role: operators.RoleAdmin, Password: DemoOperatorPassword})
	var e *errs.Error
	if errors.As(err, &e) && e.Kind == errs.KindValidation && len(e.Fields) == 1 && e.Fields[0].Code == "taken" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &en, nil
}

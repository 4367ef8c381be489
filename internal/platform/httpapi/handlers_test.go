package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// gadget is the record of a tiny in-memory service the adapters are wired to.
type gadget struct {
	ID      uuid.UUID `json:"id"`
	Name    string    `json:"name"`
	Version int       `json:"version"`
}

type newGadget struct {
	Name string `json:"name"`
}

type gadgetPatch struct {
	Name    *string `json:"name,omitempty"`
	Version int     `json:"version"`
}

type gadgetService struct {
	mu      sync.Mutex
	gadgets map[uuid.UUID]gadget
}

func (s *gadgetService) Get(_ context.Context, id uuid.UUID) (gadget, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.gadgets[id]
	if !ok {
		return gadget{}, errs.NotFound("gadget")
	}
	return g, nil
}

func (s *gadgetService) Create(_ context.Context, n newGadget) (gadget, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.TrimSpace(n.Name) == "" {
		return gadget{}, errs.Invalid(errs.Field("name", "required", "is required"))
	}
	g := gadget{ID: uuid.New(), Name: n.Name, Version: 1}
	s.gadgets[g.ID] = g
	return g, nil
}

func (s *gadgetService) Update(_ context.Context, id uuid.UUID, p gadgetPatch) (gadget, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.gadgets[id]
	if !ok {
		return gadget{}, errs.NotFound("gadget")
	}
	if g.Version != p.Version {
		return gadget{}, errs.New(errs.KindConflict, "stale").WithCode("version_conflict")
	}
	if p.Name != nil {
		g.Name = *p.Name
		g.Version++
	}
	s.gadgets[id] = g
	return g, nil
}

func (s *gadgetService) Delete(_ context.Context, id uuid.UUID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.gadgets[id]; !ok {
		return errs.NotFound("gadget")
	}
	delete(s.gadgets, id)
	return nil
}

func (s *gadgetService) Fail(context.Context, uuid.UUID) (gadget, error) {
	return gadget{}, errors.New("connection to 10.0.0.5 refused")
}

func newGadgetServer(t *testing.T) (*httpapi.Server, *gadgetService, gadget) {
	t.Helper()
	s := httpapi.New(httpapi.Config{Service: "gadgets", BodyLimit: 1024, ReadTimeout: 5 * time.Second,
		WriteTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second, ShutdownTimeout: 5 * time.Second}, zerolog.Nop())
	existing := gadget{ID: uuid.New(), Name: "first", Version: 1}
	svc := &gadgetService{gadgets: map[uuid.UUID]gadget{existing.ID: existing}}
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/gadgets", Public: true, Summary: "Create",
		Request: newGadget{}, Response: gadget{}, Status: http.StatusCreated, Handler: httpapi.Create(svc.Create)})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/gadgets/:id", Public: true, Summary: "Get",
		Response: gadget{}, Handler: httpapi.ByID("gadget", svc.Get)})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: "/gadgets/:id", Public: true, Summary: "Update",
		Request: gadgetPatch{}, Response: gadget{}, Handler: httpapi.ByIDWithBody("gadget", svc.Update)})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: "/gadgets/:id", Public: true, Summary: "Delete",
		Status: http.StatusNoContent, Handler: httpapi.NoContentByID("gadget", svc.Delete)})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/gadgets/:id/fail", Public: true, Summary: "Fail",
		Response: gadget{}, Handler: httpapi.ByID("gadget", svc.Fail)})
	return s, svc, existing
}

func decodeGadget(t *testing.T, r *apitest.Response) gadget {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q, want application/json; body: %s", ct, r.Body)
	}
	var g gadget
	r.JSON(t, &g)
	return g
}

func TestHandlerAdaptersAnswerLikeHandWrittenHandlers(t *testing.T) {
	s, svc, existing := newGadgetServer(t)
	app := s.App()
	path := "/gadgets/" + existing.ID.String()
	unknown := "/gadgets/" + uuid.NewString()

	apitest.Run(t, app, "success", []apitest.Case{
		{Name: "get answers 200 with the record", Method: http.MethodGet, Path: path, Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				if g := decodeGadget(t, r); g != existing {
					t.Fatalf("got %+v, want %+v", g, existing)
				}
			}},
		{Name: "create answers 201 with the new record", Method: http.MethodPost, Path: "/gadgets",
			Body: map[string]any{"name": "second"}, Status: http.StatusCreated,
			Check: func(t *testing.T, r *apitest.Response) {
				g := decodeGadget(t, r)
				if g.Name != "second" || g.Version != 1 || g.ID == uuid.Nil {
					t.Fatalf("created %+v", g)
				}
				if _, ok := svc.gadgets[g.ID]; !ok {
					t.Fatal("the service did not store the gadget")
				}
			}},
		{Name: "update answers 200 with the changed record", Method: http.MethodPatch, Path: path,
			Body: map[string]any{"name": "renamed", "version": 1}, Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				if g := decodeGadget(t, r); g.ID != existing.ID || g.Name != "renamed" || g.Version != 2 {
					t.Fatalf("updated %+v", g)
				}
			}},
	})

	apitest.Run(t, app, "malformed id answers 404 before the body is read", []apitest.Case{
		{Name: "get", Method: http.MethodGet, Path: "/gadgets/not-a-uuid", Status: http.StatusNotFound, Code: "not_found"},
		{Name: "update with a broken body", Method: http.MethodPatch, Path: "/gadgets/not-a-uuid", Body: "{",
			Status: http.StatusNotFound, Code: "not_found"},
		{Name: "delete", Method: http.MethodDelete, Path: "/gadgets/not-a-uuid", Status: http.StatusNotFound, Code: "not_found"},
	})

	apitest.Run(t, app, "bad body", []apitest.Case{
		{Name: "create with broken JSON", Method: http.MethodPost, Path: "/gadgets", Body: `{"name":`,
			Status: http.StatusBadRequest, Code: "malformed_json"},
		{Name: "create with an unknown field", Method: http.MethodPost, Path: "/gadgets", Body: `{"colour":"red"}`,
			Status: http.StatusUnprocessableEntity, Code: "validation_failed"},
		{Name: "create with the wrong media type", Method: http.MethodPost, Path: "/gadgets", Body: `{"name":"x"}`,
			Headers: map[string]string{"Content-Type": "text/plain"},
			Status:  http.StatusUnsupportedMediaType, Code: "unsupported_media_type"},
		{Name: "update with an empty body", Method: http.MethodPatch, Path: path, Body: " ",
			Status: http.StatusBadRequest, Code: "malformed_json"},
		{Name: "update with a field of the wrong type", Method: http.MethodPatch, Path: path, Body: `{"version":"1"}`,
			Status: http.StatusUnprocessableEntity, Code: "validation_failed",
			Check: func(t *testing.T, r *apitest.Response) {
				if p := r.Problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "version" || p.Errors[0].Code != "invalid_type" {
					t.Fatalf("errors %+v", p.Errors)
				}
			}},
	})

	apitest.Run(t, app, "service errors map to problems", []apitest.Case{
		{Name: "unknown id on get", Method: http.MethodGet, Path: unknown, Status: http.StatusNotFound, Code: "not_found"},
		{Name: "unknown id on update", Method: http.MethodPatch, Path: unknown, Body: map[string]any{"version": 1},
			Status: http.StatusNotFound, Code: "not_found"},
		{Name: "validation on create", Method: http.MethodPost, Path: "/gadgets", Body: map[string]any{"name": " "},
			Status: http.StatusUnprocessableEntity, Code: "validation_failed",
			Check: func(t *testing.T, r *apitest.Response) {
				if p := r.Problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "name" || p.Errors[0].Code != "required" {
					t.Fatalf("errors %+v", p.Errors)
				}
			}},
		{Name: "conflict on update", Method: http.MethodPatch, Path: path, Body: map[string]any{"version": 99},
			Status: http.StatusConflict, Code: "version_conflict"},
		{Name: "untyped error is internal, without its details", Method: http.MethodPost, Path: path + "/fail",
			Status: http.StatusInternalServerError, Code: "internal_error",
			Check: func(t *testing.T, r *apitest.Response) {
				if strings.Contains(string(r.Body), "10.0.0.5") {
					t.Fatalf("the cause leaked: %s", r.Body)
				}
			}},
	})

	apitest.Run(t, app, "delete", []apitest.Case{
		{Name: "answers 204 without a body", Method: http.MethodDelete, Path: path, Status: http.StatusNoContent,
			Check: func(t *testing.T, r *apitest.Response) {
				if len(r.Body) != 0 {
					t.Fatalf("body %q", r.Body)
				}
				if _, ok := svc.gadgets[existing.ID]; ok {
					t.Fatal("the gadget is still there")
				}
			}},
		{Name: "again answers the service's 404", Method: http.MethodDelete, Path: path, Status: http.StatusNotFound, Code: "not_found"},
	})
}

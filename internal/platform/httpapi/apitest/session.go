package apitest

import (
	"net/http"
	"strings"
	"testing"
)

// Session is a signed-in browser: the access token, the cookies of the
// cookie-authenticated endpoints, and the origin it calls from.
type Session struct {
	Access  string
	Refresh string
	CSRF    string
	Origin  string
	Prefix  string // of the cookie names (BrowserAuth.CookiePrefix)
}

// Bearer is the Authorization header of the session.
func (s Session) Bearer() map[string]string {
	return map[string]string{"Authorization": "Bearer " + s.Access}
}

// Cookies are the headers a browser sends to the cookie-authenticated
// endpoints (refresh, logout): both cookies, the CSRF echo and the origin.
func (s Session) Cookies() map[string]string {
	return map[string]string{
		"Cookie":       s.Prefix + "refresh_token=" + s.Refresh + "; " + s.Prefix + "csrf_token=" + s.CSRF,
		"X-CSRF-Token": s.CSRF, "Origin": s.Origin,
	}
}

// SessionFrom reads the tokens of a sign-in or refresh response, failing
// the test unless all three are there.
func SessionFrom(t *testing.T, r *Response, origin string) Session {
	t.Helper()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	r.JSON(t, &body)
	s := Session{Access: body.AccessToken, Origin: origin}
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		switch {
		case strings.HasSuffix(c.Name, "refresh_token"):
			s.Refresh, s.Prefix = c.Value, strings.TrimSuffix(c.Name, "refresh_token")
		case strings.HasSuffix(c.Name, "csrf_token"):
			s.CSRF = c.Value
		}
	}
	if s.Access == "" || s.Refresh == "" || s.CSRF == "" {
		t.Fatalf("incomplete tokens: %s %v", r.Body, r.Header.Values("Set-Cookie"))
	}
	return s
}

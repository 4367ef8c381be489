package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"
)

// Var describes one environment variable, read from the Config field tags.
type Var struct {
	Name    string
	Default string
	Group   string
	Help    string
	Secret  bool
}

// Vars lists every variable in declaration order.
func Vars() []Var {
	t := reflect.TypeFor[Config]()
	vars := make([]Var, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		vars = append(vars, Var{
			Name: f.Tag.Get("env"), Default: f.Tag.Get("default"), Group: f.Tag.Get("group"),
			Help: f.Tag.Get("help"), Secret: f.Tag.Get("secret") == "true",
		})
	}
	return vars
}

// Load reads the process environment. Outside production a .env file in the
// working directory is read first; real environment variables win over it.
func Load() (*Config, error) {
	if os.Getenv("MONOZU_ENV") != EnvProduction {
		if err := godotenv.Load(); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("reading .env: %w", err)
		}
	}
	return FromLookup(os.LookupEnv)
}

// FromLookup builds a Config from any variable source (tests pass a map).
// It parses but does not validate: call Validate once defaults are applied.
func FromLookup(lookup func(string) (string, bool)) (*Config, error) {
	cfg := &Config{}
	v := reflect.ValueOf(cfg).Elem()
	var problems []string
	for i, meta := range Vars() {
		raw, ok := lookup(meta.Name)
		raw = strings.TrimSpace(raw)
		if !ok || raw == "" {
			raw = meta.Default
		}
		if err := setField(v.Field(i), raw); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", meta.Name, err))
		}
	}
	if len(problems) > 0 {
		return nil, errors.New("invalid configuration:\n  - " + strings.Join(problems, "\n  - "))
	}
	return cfg, nil
}

func setField(f reflect.Value, raw string) error {
	switch f.Interface().(type) {
	case string:
		f.SetString(raw)
	case int:
		if raw == "" {
			return nil
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", raw)
		}
		f.SetInt(int64(n))
	case bool:
		if raw == "" {
			return nil
		}
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("%q is not true or false", raw)
		}
		f.SetBool(b)
	case time.Duration:
		if raw == "" {
			return nil
		}
		d, err := time.ParseDuration(raw)
		if err != nil {
			return fmt.Errorf("%q is not a duration like 30s or 5m", raw)
		}
		f.SetInt(int64(d))
	case []string:
		var items []string
		for item := range strings.SplitSeq(raw, ",") {
			if item = strings.TrimSpace(item); item != "" {
				items = append(items, item)
			}
		}
		f.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("unsupported field type %s", f.Type())
	}
	return nil
}

// Masked returns every variable's effective value for the start-up log, with
// secrets hidden: URLs keep everything but their password.
func (c *Config) Masked() map[string]string {
	v := reflect.ValueOf(c).Elem()
	out := make(map[string]string, v.NumField())
	for i, meta := range Vars() {
		value := fmt.Sprint(v.Field(i).Interface())
		if s, ok := v.Field(i).Interface().([]string); ok {
			value = strings.Join(s, ",")
		}
		out[meta.Name] = maskValue(value, meta.Secret)
	}
	return out
}

func maskValue(value string, secret bool) string {
	if !secret || value == "" {
		return value
	}
	if u, err := url.Parse(value); err == nil && u.Scheme != "" && u.Host != "" {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		return strings.Replace(u.String(), "xxxxx", "****", 1)
	}
	return "****"
}

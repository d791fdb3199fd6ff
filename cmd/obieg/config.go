package main

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"obieg.dev/obieg/adapters/http/ui"
)

// config is read from OBIEG_* environment variables.
type config struct {
	DatabaseURL   string     `env:"DATABASE_URL"`
	BlobURL       string     `env:"BLOB_URL" envDefault:"file://./var/blobs"`
	Listen        string     `env:"LISTEN" envDefault:":8080"`
	LogLevel      slog.Level `env:"LOG_LEVEL" envDefault:"info"`
	LogFormat     string     `env:"LOG_FORMAT" envDefault:"json"`
	MaxUploadSize int64      `env:"MAX_UPLOAD_BYTES" envDefault:"104857600"`
	// Workers is how many workflow jobs run at once in this process; 0
	// runs none here (serve only the API, with `obieg worker` elsewhere).
	Workers int `env:"WORKERS" envDefault:"20"`

	// ePUAP: the office's box and services; empty Entity turns the pull off.
	EPUAPEntity       string `env:"EPUAP_ENTITY"` // podmiot, the office's ePUAP identifier
	EPUAPBox          string `env:"EPUAP_BOX" envDefault:"skrytka"`
	EPUAPUser         string `env:"EPUAP_USER" envDefault:"epuap"` // integrator account that registers pulled documents
	EPUAPURL          string `env:"EPUAP_URL"`                     // base URL with /pull, /skrytka, /doreczyciel (the simulator's layout)
	EPUAPPullSchedule string `env:"EPUAP_PULL_SCHEDULE" envDefault:"*/5 * * * *"`
	EPUAPSimListen    string `env:"EPUAP_SIM_LISTEN" envDefault:"127.0.0.1:8081"`
	// The office system's certificate for WS-Security and XAdES: a .p12/.pfx
	// (with EPUAP_CERT_PASSWORD) or a PEM file holding certificate and key.
	// Without it requests go unsigned (the simulator accepts them; ePUAP does not)
	// and official delivery (dorecz) is off.
	EPUAPCert         string `env:"EPUAP_CERT"`
	EPUAPCertPassword string `env:"EPUAP_CERT_PASSWORD"`
	// PEM bundle of the CAs signatures on pulled documents must chain to.
	EPUAPTrust string `env:"EPUAP_TRUST"`

	// e-Doręczenia (UA API): base URL (API under /api/v1, token endpoint
	// /oauth2/token unless EDOR_TOKEN_URL), OAuth2 client credentials, and
	// for mutual TLS and a signed JWT assertion the system's certificate.
	// Empty URL turns e-Doręczenia off.
	EdorURL          string `env:"EDOR_URL"`
	EdorTokenURL     string `env:"EDOR_TOKEN_URL"`
	EdorClientID     string `env:"EDOR_CLIENT_ID"`
	EdorClientSecret string `env:"EDOR_CLIENT_SECRET"`
	EdorCert         string `env:"EDOR_CERT"`
	EdorCertPassword string `env:"EDOR_CERT_PASSWORD"`
	EdorCA           string `env:"EDOR_CA"`
	EdorUser         string `env:"EDOR_USER" envDefault:"edoreczenia"` // integrator account that registers messages
	EdorPullSchedule string `env:"EDOR_PULL_SCHEDULE" envDefault:"*/5 * * * *"`
	EdorCallbackURL  string `env:"EDOR_CALLBACK_URL"` // our public URL of /callbacks/edoreczenia; empty: polling only
	// The search service of the register of electronic addresses (BAE):
	// recipients with no address on file are looked up before dispatch.
	EdorSearchURL   string `env:"EDOR_SEARCH_URL"`
	EdorSimListen   string `env:"EDOR_SIM_LISTEN" envDefault:"127.0.0.1:8082"`
	EdorSimRegister string `env:"EDOR_SIM_REGISTER" envDefault:"44051401359=AE:PL-30000-40000-NOWAK-28"` // identifier=ADE;…
	EdorSimClients  string `env:"EDOR_SIM_CLIENTS" envDefault:"obieg:demo-secret:AE:PL-10000-20000-PRZYK-28,AE:PL-10000-20001-PODAT-24;jan:jan:AE:PL-30000-40000-NOWAK-28"`

	// The authority's qualified certificate decisions are signed with
	// (PAdES): .p12/.pfx with SIGN_CERT_PASSWORD, or PEM with the key.
	SignCert         string `env:"SIGN_CERT"`
	SignCertPassword string `env:"SIGN_CERT_PASSWORD"`
	// A development key made and kept at this path when SIGN_CERT is unset
	// (make run sets it); signatures verify but are not qualified.
	SignDevKey string `env:"SIGN_DEV_KEY"`
	// Property tax: the unit keeping tax cases, the approving unit, the
	// bank routing number of the virtual accounts.
	TaxUnit         string `env:"TAX_UNIT" envDefault:"FN-P"`
	TaxApproverUnit string `env:"TAX_APPROVER_UNIT" envDefault:"FN"`
	TaxBankRouting  string `env:"TAX_BANK_ROUTING" envDefault:"10901014"`
	// Single sign-on (OpenID Connect); empty OIDC_ISSUER turns it off.
	OIDCIssuer       string `env:"OIDC_ISSUER"`
	OIDCClientID     string `env:"OIDC_CLIENT_ID"`
	OIDCClientSecret string `env:"OIDC_CLIENT_SECRET"`
	OIDCRedirectURL  string `env:"OIDC_REDIRECT_URL"` // https://<host>/login/oidc/callback
	OIDCLoginClaim   string `env:"OIDC_LOGIN_CLAIM" envDefault:"preferred_username"`
	OIDCName         string `env:"OIDC_NAME"` // shown as "Zaloguj przez <name>"; default the issuer's host
	// Web UI sessions: idle lifetime; Secure cookies behind HTTPS.
	SessionTTL    time.Duration `env:"SESSION_TTL" envDefault:"30m"`
	SecureCookies bool          `env:"SECURE_COOKIES"`
}

// localEnv is written by `make run` with the URL of the project-local database.
const localEnv = "var/local.env"

// loadSimConfig reads the configuration of commands that need no database.
func loadSimConfig() (*config, error) {
	var c config
	if err := env.ParseWithOptions(&c, env.Options{Prefix: "OBIEG_"}); err != nil {
		return nil, configError(err)
	}
	return &c, nil
}

// oidc is the single sign-on configuration, nil when off.
func (c *config) oidc() *ui.OIDCConfig {
	if c.OIDCIssuer == "" {
		return nil
	}
	return &ui.OIDCConfig{Issuer: c.OIDCIssuer, ClientID: c.OIDCClientID, ClientSecret: c.OIDCClientSecret,
		RedirectURL: c.OIDCRedirectURL, LoginClaim: c.OIDCLoginClaim, Name: c.OIDCName}
}

func loadConfig() (*config, error) {
	if os.Getenv("OBIEG_DATABASE_URL") == "" {
		if err := loadEnvFile(localEnv); err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("reading %s: %w", localEnv, err)
		}
	}
	var c config
	if err := env.ParseWithOptions(&c, env.Options{Prefix: "OBIEG_"}); err != nil {
		return nil, configError(err)
	}
	if c.DatabaseURL == "" {
		return nil, fmt.Errorf("configuration: OBIEG_DATABASE_URL is not set (and no %s): run `make run`, or set it to postgres://user@host/db", localEnv)
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		return nil, fmt.Errorf("configuration: OBIEG_LOG_FORMAT must be json or text, not %q", c.LogFormat)
	}
	if c.MaxUploadSize < 1<<20 {
		return nil, fmt.Errorf("configuration: OBIEG_MAX_UPLOAD_BYTES must be at least 1 MiB")
	}
	if o := c.oidc(); o != nil {
		if err := o.Validate(); err != nil {
			return nil, fmt.Errorf("configuration: OBIEG_OIDC_*: %w", err)
		}
	}
	return &c, nil
}

// loadEnvFile sets KEY=VALUE lines of a file as environment variables that
// are not already set.
func loadEnvFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if _, set := os.LookupEnv(k); !set {
			os.Setenv(k, v)
		}
	}
	return sc.Err()
}

func newLogger(c *config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}

// configError names the environment variable at fault rather than the Go field.
func configError(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return fmt.Errorf("configuration: %w", err)
	}
	var msgs []string
	t := reflect.TypeOf(config{})
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			if f, ok := t.FieldByName(pe.Name); ok {
				name := "OBIEG_" + f.Tag.Get("env")
				msgs = append(msgs, fmt.Sprintf("%s=%q is not a valid %s", name, os.Getenv(name), pe.Type))
				continue
			}
		}
		msgs = append(msgs, e.Error())
	}
	return fmt.Errorf("configuration: %s", strings.Join(msgs, "; "))
}

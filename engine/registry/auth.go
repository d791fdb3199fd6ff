package registry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/argon2"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

// argon2id parameters (RFC 9106 §4, second recommended option: 64 MiB, t=3).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// HashPassword hashes a password with argon2id into the PHC string format.
func HashPassword(password string) (string, error) {
	if len(password) < 10 {
		return "", engine.E("registry.HashPassword", engine.KindInvalid, "password must be at least 10 characters")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches a hash from HashPassword.
func VerifyPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// tokenPrefix marks Obieg API tokens, so secret scanners can find leaked ones.
const tokenPrefix = "obg_"

// NewToken describes an API token to issue.
type NewToken struct {
	Name   string
	Scopes []string
	TTL    time.Duration // default 90 days
}

// Token is an issued token. Secret is shown once and never stored: only its
// SHA-256 is kept (the secret has 160 bits of entropy, so a slow hash adds nothing).
type Token struct {
	ID        uuid.UUID `json:"id"`
	Secret    string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// CreateToken issues an API token for the user with the given login. It is
// system work: run by an administrator from the CLI on the server.
func (s *Service) CreateToken(ctx context.Context, login string, in NewToken) (*Token, error) {
	const op = "registry.CreateToken"
	if in.TTL <= 0 {
		in.TTL = 90 * 24 * time.Hour
	}
	if len(in.Scopes) == 0 {
		in.Scopes = []string{"api"}
	}
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		return nil, engine.E(op, err)
	}
	secret := tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	sum := sha256.Sum256([]byte(secret))
	t := &Token{ID: newID(), Secret: secret, ExpiresAt: s.now().Add(in.TTL)}
	err := s.db.System(ctx, func(tx pgx.Tx) error {
		var userID, officeID uuid.UUID
		var name, hash string
		var roles []string
		var active bool
		err := tx.QueryRow(ctx, q["UserByLogin"], login).Scan(&userID, &officeID, &login, &name, &hash, &roles, &active)
		if err != nil {
			return postgres.NotFound(op, err, "no user %q", login)
		}
		if !active {
			return engine.E(op, engine.KindConflict, "user is deactivated")
		}
		_, err = tx.Exec(ctx, q["InsertToken"], t.ID, officeID, userID, in.Name, sum[:], in.Scopes, t.ExpiresAt, s.now())
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return t, nil
}

// Authenticate resolves a bearer token to the actor it stands for.
func (s *Service) Authenticate(ctx context.Context, secret string) (*Actor, error) {
	const op = "registry.Authenticate"
	unauth := engine.E(op, engine.KindUnauthenticated, "invalid or expired token")
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return nil, unauth
	}
	sum := sha256.Sum256([]byte(secret))
	var officeID, userID uuid.UUID
	var expires time.Time
	var revoked *time.Time
	var active bool
	err := s.db.System(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q["TokenLookup"], sum[:]).Scan(&officeID, &userID, &expires, &revoked, &active)
	})
	if err != nil {
		if engine.Is(engine.KindNotFound, postgres.NotFound(op, err, "")) {
			return nil, unauth
		}
		return nil, postgres.Err(op, err)
	}
	if revoked != nil || !active || !s.clock().Before(expires) {
		return nil, unauth
	}
	return s.Actor(ctx, officeID, userID)
}

// Login checks a login and password and returns the actor.
func (s *Service) Login(ctx context.Context, login, password string) (*Actor, error) {
	const op = "registry.Login"
	var userID, officeID uuid.UUID
	var name, hash string
	var roles []string
	var active bool
	err := s.db.System(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q["UserByLogin"], login).Scan(&userID, &officeID, &login, &name, &hash, &roles, &active)
	})
	if err != nil || !active || !VerifyPassword(hash, password) {
		return nil, engine.E(op, engine.KindUnauthenticated, "wrong login or password")
	}
	return s.Actor(ctx, officeID, userID)
}

// SetPassword sets a user's password (system work, from the CLI).
func (s *Service) SetPassword(ctx context.Context, login, password string) error {
	const op = "registry.SetPassword"
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return postgres.Err(op, s.db.System(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, q["SetPassword"], login, hash)
		if err == nil && tag.RowsAffected() == 0 {
			return engine.E(op, engine.KindNotFound, fmt.Sprintf("no user %q", login))
		}
		return err
	}))
}

// ActorByLogin loads the actor of a login (logins are unique across the
// installation), for system accounts such as the ePUAP integrator.
func (s *Service) ActorByLogin(ctx context.Context, login string) (*Actor, error) {
	const op = "registry.ActorByLogin"
	var userID, officeID uuid.UUID
	var name, hash string
	var roles []string
	var active bool
	err := s.db.System(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q["UserByLogin"], login).Scan(&userID, &officeID, &login, &name, &hash, &roles, &active)
	})
	if err != nil {
		return nil, postgres.NotFound(op, err, "no user %q", login)
	}
	if !active {
		return nil, engine.Errorf(op, engine.KindUnauthenticated, "user %q is deactivated", login)
	}
	return s.Actor(ctx, officeID, userID)
}

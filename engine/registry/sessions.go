package registry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

// sessionPrefix marks web session tokens (cookie values), as tokenPrefix
// marks API tokens.
const sessionPrefix = "obs_"

// SessionMaxLifetime bounds a session however active it is: after it the
// user logs in again.
const SessionMaxLifetime = 12 * time.Hour

// Session is a web UI session. Token is the cookie value, returned once by
// CreateSession and never stored (only its SHA-256 is); CSRF is the
// per-session secret that state-changing forms echo.
type Session struct {
	Token     string
	CSRF      string
	ExpiresAt time.Time
}

func sessionHash(token string) ([]byte, bool) {
	if !strings.HasPrefix(token, sessionPrefix) || len(token) > 100 {
		return nil, false
	}
	sum := sha256.Sum256([]byte(token))
	return sum[:], true
}

// CreateSession opens a session for an actor who has just logged in. The
// session expires after ttl without a request (sliding), and at the latest
// SessionMaxLifetime after it was opened. Expired sessions of the same user
// are removed on the way.
func (s *Service) CreateSession(ctx context.Context, a *Actor, ttl time.Duration) (*Session, error) {
	const op = "registry.CreateSession"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if ttl <= 0 || ttl > SessionMaxLifetime {
		return nil, engine.Invalid(op, "ttl", "session TTL must be positive and at most %s", SessionMaxLifetime)
	}
	raw := make([]byte, 32)
	csrf := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, engine.E(op, err)
	}
	if _, err := rand.Read(csrf); err != nil {
		return nil, engine.E(op, err)
	}
	token := sessionPrefix + base64.RawURLEncoding.EncodeToString(raw)
	id, _ := sessionHash(token)
	now := s.now()
	sess := &Session{Token: token, CSRF: hex.EncodeToString(csrf), ExpiresAt: now.Add(ttl)}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, q["DeleteExpiredSessions"], a.UserID, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, q["InsertSession"], id, a.OfficeID, a.UserID, csrf, now, sess.ExpiresAt)
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return sess, nil
}

// SessionActor resolves a session token to its actor and slides the
// session's expiry by ttl. The returned Session has no Token (it is not
// stored); its CSRF is the session's secret. An unknown, expired or ended
// session, or one of a deactivated user, is KindUnauthenticated.
func (s *Service) SessionActor(ctx context.Context, token string, ttl time.Duration) (*Actor, *Session, error) {
	const op = "registry.SessionActor"
	unauth := engine.E(op, engine.KindUnauthenticated, "no session, or the session has expired")
	id, ok := sessionHash(token)
	if !ok {
		return nil, nil, unauth
	}
	if ttl <= 0 || ttl > SessionMaxLifetime {
		ttl = SessionMaxLifetime
	}
	var officeID, userID uuid.UUID
	var csrf []byte
	var expires time.Time
	err := s.db.System(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q["TouchSession"], id, s.now(), ttl.Seconds(), SessionMaxLifetime.Seconds()).Scan(&officeID, &userID, &csrf, &expires)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, unauth
	}
	if err != nil {
		return nil, nil, postgres.Err(op, err)
	}
	a, err := s.Actor(ctx, officeID, userID)
	if err != nil {
		return nil, nil, err
	}
	return a, &Session{CSRF: hex.EncodeToString(csrf), ExpiresAt: expires}, nil
}

// EndSession ends a session (logout). Ending an unknown session is not an
// error: the result is the same.
func (s *Service) EndSession(ctx context.Context, token string) error {
	const op = "registry.EndSession"
	id, ok := sessionHash(token)
	if !ok {
		return nil
	}
	return postgres.Err(op, s.db.System(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q["DeleteSession"], id)
		return err
	}))
}

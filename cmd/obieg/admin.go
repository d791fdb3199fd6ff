package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"os"
	"time"

	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
)

func cmdVerify(ctx context.Context) error {
	a, err := open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.reg.VerifyChains(ctx)
	if err != nil {
		return err
	}
	if rep.Broken != nil {
		fmt.Fprintf(stdout, "metryka BROKEN after checking %d entries in %d cases\nfirst broken link: %s\n", rep.Entries, rep.Cases, rep.Broken)
		return exitError(1)
	}
	fmt.Fprintf(stdout, "metryka OK: %d entries in %d cases, every chain verified\n", rep.Entries, rep.Cases)
	return nil
}

func cmdTokenCreate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	login := fs.String("user", "", "login of the user the token acts for")
	name := fs.String("name", "cli", "a name to recognise the token by")
	ttl := fs.Duration("ttl", 90*24*time.Hour, "validity")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *login == "" {
		return fmt.Errorf("--user is required")
	}
	a, err := open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	t, err := a.reg.CreateToken(ctx, *login, registry.NewToken{Name: *name, TTL: *ttl, Scopes: []string{"api"}})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "token for %s, valid until %s (shown once):\n", *login, t.ExpiresAt.Format(time.RFC3339))
	fmt.Fprintln(stdout, t.Secret)
	return nil
}

func cmdJRWAImport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("jrwa import", flag.ContinueOnError)
	office := fs.String("office", "", "office short name")
	name := fs.String("name", "", "version name, e.g. \"JRWA 2011\"")
	from := fs.String("valid-from", "", "YYYY-MM-DD")
	to := fs.String("valid-to", "", "YYYY-MM-DD (optional)")
	admin := fs.String("admin", "", "login of an administrator of the office (default: the first found)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *office == "" || *name == "" || *from == "" {
		return fmt.Errorf("usage: obieg jrwa import --office SHORT --name NAME --valid-from YYYY-MM-DD FILE.csv")
	}
	validFrom, err := calendar.ParseDate(*from)
	if err != nil {
		return fmt.Errorf("--valid-from: %w", err)
	}
	var validTo *calendar.Date
	if *to != "" {
		d, err := calendar.ParseDate(*to)
		if err != nil {
			return fmt.Errorf("--valid-to: %w", err)
		}
		validTo = &d
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	a, err := open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	actor, err := adminOf(ctx, a, *office, *admin)
	if err != nil {
		return err
	}
	v, err := a.reg.ImportJRWA(ctx, actor, *name, validFrom, validTo, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s: %d classes, valid from %s\n", v.Name, v.Classes, v.ValidFrom)
	return nil
}

func adminOf(ctx context.Context, a *app, office, login string) (*registry.Actor, error) {
	o, err := a.reg.OfficeByShortName(ctx, office)
	if err != nil {
		return nil, err
	}
	return a.reg.OfficeAdmin(ctx, o.ID, login)
}

func cmdUserPassword(ctx context.Context, login string) error {
	a, err := open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	pw := newPassword()
	if err := a.reg.SetPassword(ctx, login, pw); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "new password for %s: %s\n", login, pw)
	return nil
}

// newPassword makes a random password: 26 base32 characters, 128 bits.
func newPassword() string { return rand.Text() }

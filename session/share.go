package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
	"cosdrop/uploader"
)

// ShareCap says what limits a share link's life.
type ShareCap string

// The limits of a share link, one per credential mode.
const (
	// CapNone: the link lives as long as asked.
	CapNone ShareCap = ""
	// CapPermanentMax: a permanent key could sign for years, but a share
	// link cannot be taken back short of disabling the key, so CosDrop
	// signs for MaxShareLife at most (S3's presigned URLs stop at 7 days
	// as well).
	CapPermanentMax ShareCap = "permanent-max"
	// CapToken: a link signed with temporary credentials dies with their
	// token (COS answers ExpiredToken), whatever the signature says.
	CapToken ShareCap = "token"
	// CapServer: the signing server chose the link's life.
	CapServer ShareCap = "server"
	// CapSandbox: the Sandbox's key and server live in this process; the
	// link stops working when CosDrop quits.
	CapSandbox ShareCap = "sandbox"
)

// MaxShareLife is the longest share link CosDrop signs.
const MaxShareLife = 7 * 24 * time.Hour

// shareTimeout bounds the credential or signing server's answer.
const shareTimeout = 30 * time.Second

// ErrShareUnavailable is matched (errors.Is) when a profile cannot make
// share links at all (server-signed without get-sign; no credentials).
var ErrShareUnavailable = errors.New("this profile cannot make share links")

// ShareLink is a presigned GET of one object.
type ShareLink struct {
	URL string
	// ExpiresAt is when the link stops working: the signature's end, or
	// the token's when that comes first.
	ExpiresAt time.Time
	// CappedBy is what made ExpiresAt earlier than asked (CapNone when it
	// was not). For the Sandbox it is always CapSandbox: the link dies
	// with the app, whichever comes first.
	CappedBy ShareCap
}

// Sharer signs share links for one profile's objects. It is built from
// the engine configuration (Session.Sharer, SharerFor), holds the same
// credentials the uploads use, and is safe for concurrent use.
type Sharer struct {
	BucketURL   string
	Credentials auth.Provider    // nil for server-signed profiles
	Signer      *auth.SignServer // server-signed profiles: get-sign
	Sandbox     bool
	// Client opens each new link once to check it, through the profile's
	// proxy and trusted CAs (linkClient); nil means a default client.
	Client *http.Client
	// Now is the clock (tests move it); nil means time.Now.
	Now func() time.Time
}

// SharerFor is the sharer of an engine configuration.
func SharerFor(c uploader.Config, sandbox bool) Sharer {
	sh := Sharer{BucketURL: c.BucketURL, Sandbox: sandbox, Client: linkClient(c)}
	if s, ok := c.Signer.(*auth.SignServer); ok && s != nil {
		sh.Signer = s
		return sh
	}
	if c.Signer == nil {
		sh.Credentials = c.Credentials
	}
	return sh
}

// Sharer is the session's sharer.
func (s *Session) Sharer() Sharer { return SharerFor(s.Config, s.Sandbox) }

func (sh Sharer) now() time.Time {
	if sh.Now != nil {
		return sh.Now()
	}
	return time.Now()
}

// Available reports whether the profile may be able to sign share links
// (a server-signed profile learns only by asking its server).
func (sh Sharer) Available() bool {
	return sh.Signer != nil || sh.Credentials != nil && sh.BucketURL != ""
}

// Limit is how long a link signed now could live, and why: for the share
// dialog's "valid until 14:05, when this profile's temporary key expires".
// For a server-signed profile the server decides (CapServer, zero time).
func (sh Sharer) Limit(ctx context.Context) (time.Time, ShareCap, error) {
	now := sh.now()
	switch {
	case sh.Signer != nil:
		return time.Time{}, CapServer, nil
	case !sh.Available():
		return time.Time{}, CapNone, ErrShareUnavailable
	case sh.Sandbox:
		return now.Add(MaxShareLife), CapSandbox, nil
	}
	c, err := sh.creds(ctx, MaxShareLife)
	if err != nil {
		return time.Time{}, CapNone, err
	}
	if !c.Expiration.IsZero() && c.Expiration.Before(now.Add(MaxShareLife)) {
		return c.Expiration, CapToken, nil
	}
	return now.Add(MaxShareLife), CapPermanentMax, nil
}

// creds returns the credentials to sign with: the current set, or a
// fresh one when the current set dies before want has passed (a fresh
// STS set lives its full duration, often 30 minutes or more).
func (sh Sharer) creds(ctx context.Context, want time.Duration) (auth.Credentials, error) {
	ctx, cancel := context.WithTimeout(ctx, shareTimeout)
	defer cancel()
	c, err := sh.Credentials.Credentials(ctx)
	if err != nil {
		return auth.Credentials{}, fmt.Errorf("credentials: %w", err)
	}
	if c.Expiration.IsZero() || !c.Expiration.Before(sh.now().Add(want)) {
		return c, nil
	}
	if f, ferr := sh.Credentials.Refresh(ctx); ferr == nil && f.Expiration.After(c.Expiration) {
		return f, nil
	}
	return c, nil
}

// Link signs a GET of s's object valid for want, capped by what the
// credentials allow (MaxShareLife, the token's expiry, the server's
// choice). Only a verified object gets a link (Linkable).
func (sh Sharer) Link(ctx context.Context, s uploader.Snapshot, want time.Duration) (ShareLink, error) {
	if ok, why := Linkable(s); !ok {
		return ShareLink{}, errors.New(why)
	}
	if want <= 0 {
		want = time.Hour
	}
	if sh.Signer != nil {
		ctx, cancel := context.WithTimeout(ctx, shareTimeout)
		defer cancel()
		g, err := sh.Signer.GetSign(ctx, s.Key, want)
		if err != nil {
			if errors.Is(err, auth.ErrNoGetSign) {
				return ShareLink{}, fmt.Errorf("%w: %w", ErrShareUnavailable, err)
			}
			return ShareLink{}, err
		}
		return sh.checked(ctx, ShareLink{URL: g.URL, ExpiresAt: g.Expires, CappedBy: CapServer})
	}
	if !sh.Available() {
		return ShareLink{}, ErrShareUnavailable
	}
	capped := CapNone
	if want > MaxShareLife {
		want, capped = MaxShareLife, CapPermanentMax
	}
	c, err := sh.creds(ctx, want)
	if err != nil {
		return ShareLink{}, err
	}
	now := sh.now().Truncate(time.Second)
	if !c.Expiration.IsZero() {
		left := c.Expiration.Truncate(time.Second).Sub(now)
		if left <= 0 {
			return ShareLink{}, errors.New("the temporary credentials have expired")
		}
		if left < want {
			want, capped = left, CapToken
		}
	}
	if sh.Sandbox {
		capped = CapSandbox
	}
	u, err := presign(sh.BucketURL, s.Key, c, now, want)
	if err != nil {
		return ShareLink{}, err
	}
	return sh.checked(ctx, ShareLink{URL: u, ExpiresAt: now.Add(want), CappedBy: capped})
}

// presign signs a GET of key with c for [now, now+life], with the SDK's
// own GetPresignedURL; a session token goes in the query, where COS reads
// it for a presigned request (and the signature covers it).
func presign(bucketURL, key string, c auth.Credentials, now time.Time, life time.Duration) (string, error) {
	bu, err := url.Parse(bucketURL)
	if err != nil || bu.Host == "" {
		return "", fmt.Errorf("bucket URL %q: %w", bucketURL, ErrNoLinkAddress)
	}
	client := cos.NewClient(&cos.BaseURL{BucketURL: bu}, &http.Client{})
	opt := &cos.PresignedURLOptions{AuthTime: &cos.AuthTime{
		SignStartTime: now, SignEndTime: now.Add(life), KeyStartTime: now, KeyEndTime: now.Add(life)}}
	if c.SessionToken != "" {
		opt.Query = &url.Values{"x-cos-security-token": {c.SessionToken}}
	}
	u, err := client.Object.GetPresignedURL(context.Background(), http.MethodGet, key, c.SecretID, c.SecretKey, life, opt)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// Linkable reports whether s's object may be linked, and when not, why in
// the user's words: only an object CosDrop checked against the file (a
// verified upload, or an identical one it skipped) gets a link.
func Linkable(s uploader.Snapshot) (bool, string) {
	switch {
	case s.Note.Code == uploader.NoteDeleted:
		return false, T("No link: the object was deleted from COS.")
	case s.State == uploader.Done && s.Verified:
		return true, ""
	case s.State == uploader.Skipped && s.Note.Code == uploader.NoteSkippedIdentical:
		// COS already held these very bytes: the object is the file.
		return true, ""
	case s.State == uploader.Done:
		return false, T("No link: the upload finished, but COS's copy could not be checked against the file (these credentials may not read it), so CosDrop does not hand out a link to it.")
	case s.State == uploader.Skipped && s.Note.Code == uploader.NoteSkippedUncompared:
		return false, T("No link: an object was already there and could not be compared with the file.")
	case s.State == uploader.Skipped:
		// Excluded by a rule, not a file, an empty folder, a temporary
		// name: nothing was uploaded, so a link would name the bucket's
		// root or someone else's object.
		return false, T("No link: this entry was not uploaded.")
	}
	return false, T("No link yet: the file is not uploaded and checked.")
}

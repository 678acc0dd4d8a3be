package profile

import (
	"context"
	"net/http"

	"cosdrop/auth"
)

// ProbeTarget is what auth's permission probe needs of p.
func (p Profile) ProbeTarget() auth.ProbeTarget {
	u, err := p.BucketURL()
	return auth.ProbeTarget{BucketURL: u, BucketErr: err, Prefix: p.StaticPrefix(), PublicRead: p.PublicRead,
		ServerSigned: p.Spec().Signs == SignsByServer, ReceiptsPrefix: NormalReceiptsPrefix(p.ReceiptsPrefix)}
}

// Probe runs auth's permission probe for p with the credentials Open
// gave (prov, or sign for a server-signed profile); base may be nil.
func Probe(ctx context.Context, p Profile, prov auth.Provider, sign *auth.SignServer, base http.RoundTripper) auth.ProbeReport {
	return auth.Probe(ctx, p.ProbeTarget(), prov, sign, base)
}

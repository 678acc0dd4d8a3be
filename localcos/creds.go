package localcos

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// Temporary credentials are stateless: the session token carries its own
// policy and expiry, sealed with an HMAC keyed by the permanent SecretKey,
// and the temporary SecretKey is derived from the temporary SecretId. So
// tokens survive a restart with the same keys, and nothing secret is stored.

// tempIDPrefix starts every temporary SecretId, like Tencent's "AKID".
const tempIDPrefix = "AKIDLC"

// tempCred is the content of a session token. Tokens issued before
// policies existed carry Actions and Prefix instead of Policy.
type tempCred struct {
	ID      string   `json:"id"`
	Start   int64    `json:"st"`
	Expire  int64    `json:"exp"`
	Issued  int64    `json:"iat"` // Unix nanoseconds, for the fault plan's early expiry
	Prefix  string   `json:"pfx,omitempty"`
	Actions []string `json:"act,omitempty"` // API names; "*" allows all
	Policy  *Policy  `json:"pol,omitempty"`
}

// issue creates a temporary credential valid from now for life.
func (s *Server) issue(now time.Time, life time.Duration, p *Policy) (id, secret, token string, c tempCred) {
	c = tempCred{ID: tempIDPrefix + randomAlnum(30), Start: now.Unix(), Issued: now.UnixNano(), Expire: now.Add(life).Unix(), Policy: p}
	js, _ := json.Marshal(c)
	token = base64.RawURLEncoding.EncodeToString(js) + "." + base64.RawURLEncoding.EncodeToString(s.mac("token", js))
	return c.ID, s.tempSecret(c.ID), token, c
}

// parseToken checks a session token's seal and returns its content.
func (s *Server) parseToken(token string) (*tempCred, bool) {
	body, sig, ok := strings.Cut(token, ".")
	if !ok {
		return nil, false
	}
	js, err1 := base64.RawURLEncoding.DecodeString(body)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || subtle.ConstantTimeCompare(mac, s.mac("token", js)) != 1 {
		return nil, false
	}
	var c tempCred
	if json.Unmarshal(js, &c) != nil {
		return nil, false
	}
	return &c, true
}

func (s *Server) tempSecret(id string) string {
	return base64.RawURLEncoding.EncodeToString(s.mac("secret", []byte(id)))[:32]
}

func (s *Server) mac(purpose string, msg []byte) []byte {
	h := hmac.New(sha256.New, []byte("localcos "+purpose+"\x00"+s.cfg.SecretKey))
	h.Write(msg)
	return h.Sum(nil)
}

// tokenExpired applies the token's own expiry and the fault plan's early
// expiry.
func (s *Server) tokenExpired(c *tempCred, now time.Time) bool {
	if now.Unix() >= c.Expire {
		return true
	}
	return s.faults.tokenExpiredEarly(time.Unix(0, c.Issued), now)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomAlnum(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

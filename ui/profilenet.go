package ui

import (
	"net/url"
	"strings"

	"fyne.io/fyne/v2/widget"

	"cosdrop/auth"
	"cosdrop/profile"
)

// signMethods are the signing methods a server-signed profile may name, in
// the order signMethodNames words them.
var signMethods = []auth.SignMethod{auth.SignAuto, auth.SignPut, auth.SignPost}

func signMethodNames() []string {
	return []string{T("Automatic (signed PUT, else POST form)"), T("Signed PUT only"), T("POST form only")}
}

// netFields are the profile editor's proxy and signing-server fields. The
// proxy's password goes to the keyring (auth.ProxyAccount), never into the
// profile; the signing fields are for server-signed profiles only, so
// they are disabled in the other modes (profile's validation refuses them
// there).
type netFields struct {
	proxy, proxyPassword      *widget.Entry
	putSignURL, postPolicyURL *widget.Entry
	signMethod                *safeSelect
}

// newNetFields builds the fields; entry makes an entry that validates the
// form as the user types, changed validates it on a choice.
func newNetFields(entry func(placeholder string) *widget.Entry, changed func()) *netFields {
	f := &netFields{}
	f.proxy = entry(T("empty: the system's proxy settings; 'direct': none; or http://user@host:port"))
	validate := f.proxy.OnChanged
	f.proxy.OnChanged = func(s string) {
		f.updateProxyPassword()
		validate(s)
	}
	f.proxyPassword = widget.NewPasswordEntry()
	f.proxyPassword.SetPlaceHolder(T("kept in the system keyring; leave empty to keep the stored one"))
	f.putSignURL = entry(T("optional: default is the credential URL + /put-sign"))
	f.postPolicyURL = entry(T("optional: default is the credential URL + /post-policy"))
	f.signMethod = newSafeSelect(nil, signMethodNames(), func(string) { changed() })
	f.signMethod.SetSelectedIndex(0)
	f.updateProxyPassword()
	return f
}

// items are the fields' form rows, after the sign-in fields.
func (f *netFields) items() []*widget.FormItem {
	return []*widget.FormItem{
		widget.NewFormItem(T("Signing: PUT URL"), f.putSignURL),
		widget.NewFormItem(T("Signing: POST URL"), f.postPolicyURL),
		widget.NewFormItem(T("Signing method"), f.signMethod),
		widget.NewFormItem(T("Proxy"), f.proxy),
		widget.NewFormItem(T("Proxy password"), f.proxyPassword),
	}
}

// fill shows p's settings (the proxy password stays empty: secrets are
// never read back).
func (f *netFields) fill(p profile.Profile) {
	f.proxy.SetText(p.Proxy)
	f.putSignURL.SetText(p.PutSignURL)
	f.postPolicyURL.SetText(p.PostPolicyURL)
	f.signMethod.SetSelectedIndex(0)
	for i, m := range signMethods {
		if m == p.SignMethod {
			f.signMethod.SetSelectedIndex(i)
		}
	}
}

// setMode enables the signing fields for the modes that use them
// (profile.FieldSign).
func (f *netFields) setMode(spec profile.ModeSpec) {
	enable(spec.Uses(profile.FieldSign), f.putSignURL, f.postPolicyURL)
	if spec.Uses(profile.FieldSign) {
		f.signMethod.Enable()
	} else {
		f.signMethod.Disable()
	}
}

// apply copies the fields into p.
func (f *netFields) apply(p *profile.Profile) {
	p.Proxy = strings.TrimSpace(f.proxy.Text)
	if !p.Spec().Uses(profile.FieldSign) {
		return
	}
	p.PutSignURL = strings.TrimSpace(f.putSignURL.Text)
	p.PostPolicyURL = strings.TrimSpace(f.postPolicyURL.Text)
	if i := f.signMethod.SelectedIndex(); i >= 0 {
		p.SignMethod = signMethods[i]
	}
}

// proxyUser is the user name the proxy URL names, if any.
func proxyUser(proxy string) string {
	u, err := url.Parse(strings.TrimSpace(proxy))
	if err != nil || u.User == nil {
		return ""
	}
	return u.User.Username()
}

// updateProxyPassword enables the password field when the proxy names a
// user: only then is a password read.
func (f *netFields) updateProxyPassword() {
	if proxyUser(f.proxy.Text) != "" {
		f.proxyPassword.Enable()
	} else {
		f.proxyPassword.Disable()
	}
}

// secrets adds the typed proxy password (for a proxy that names a user)
// to out, under the profile's keyring account.
func (f *netFields) secrets(p profile.Profile, out map[string]string) {
	if f.proxyPassword.Text != "" && proxyUser(p.Proxy) != "" {
		out[auth.ProxyAccount(p.Name)] = f.proxyPassword.Text
	}
}

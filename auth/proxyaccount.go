package auth

// ProxyAccount names the keyring item holding the password of the user
// named in a profile's proxy URL. The profile file never holds it.
func ProxyAccount(profile string) string { return "profile:" + profile + ":proxy-password" }

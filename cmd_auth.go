package main

func init() {
	notYet("login", "Store a profile's SecretKey in the OS keyring", "--profile P --secret-id ID")
	notYet("logout", "Remove a profile's secret from the OS keyring", "--profile P")
	notYet("profile", "Manage profiles: add, list, remove, export, import, test", "SUBCOMMAND [flags]")
}

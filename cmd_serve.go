package main

func init() {
	notYet("serve-local", "Run the local COS-compatible sandbox server", "[flags]")
}

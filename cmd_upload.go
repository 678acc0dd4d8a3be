package main

func init() {
	notYet("upload", "Upload files and folders", "[flags] PATH...")
	notYet("status", "Show every task in the journal", "[flags]")
}

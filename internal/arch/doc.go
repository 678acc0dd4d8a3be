// Package arch holds no code: its test keeps the module's package
// boundaries true. The table in arch_test.go says which package may import
// which (the rules README's Architecture section states), and the test
// fails, naming the file, on any import the table does not allow. The
// door test (door_test.go) keeps a store's package to its one file: bbolt
// is imported only by uploader/journaldb.go, the journal's door.
package arch

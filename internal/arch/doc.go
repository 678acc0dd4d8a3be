// Package arch holds no code: its test keeps the module's package
// boundaries true. The table in arch_test.go says which package may import
// which (the rules README's Architecture section states), and the test
// fails, naming the file, on any import the table does not allow.
package arch

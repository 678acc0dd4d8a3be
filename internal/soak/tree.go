//go:build linux

package soak

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
)

// treeFile is one file of the soak tree, by path relative to the tree's
// parent (which is also its object key: `cosdrop upload DIR` keys
// DIR/a/b.txt as "DIR/a/b.txt" with the default template).
type treeFile struct {
	rel   string
	size  int64
	large bool
}

// makeTree writes small files (0 to maxSmall bytes; a few with spaces and
// non-ASCII names) in folders of 100 and the large files, with contents
// drawn from rng. It returns the files sorted by rel.
func makeTree(root string, small int, maxSmall int64, large int, largeSize int64, rng *rand.Rand) ([]treeFile, error) {
	var files []treeFile
	names := []string{"f%05d.txt", "photo %05d.jpg", "报告 %05d.pdf", "data-%05d.bin"}
	for i := 0; i < small; i++ {
		rel := filepath.Join(filepath.Base(root), fmt.Sprintf("d%03d", i/100), fmt.Sprintf(names[i%len(names)], i))
		size := rng.Int64N(maxSmall + 1)
		if i%50 == 0 {
			size = 0 // empty files are files too
		}
		files = append(files, treeFile{rel: rel, size: size})
	}
	for i := 0; i < large; i++ {
		files = append(files, treeFile{rel: filepath.Join(filepath.Base(root), "large", fmt.Sprintf("video %d.mp4", i)), size: largeSize, large: true})
	}
	parent := filepath.Dir(root)
	for _, f := range files {
		if err := writeRandom(filepath.Join(parent, f.rel), f.size, rng); err != nil {
			return nil, err
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	return files, nil
}

func writeRandom(path string, size int64, rng *rand.Rand) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.CopyN(f, randReader{rng}, size); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// overwriteInPlace writes n fresh random bytes at off without truncating
// or replacing the file (same inode, same size).
func overwriteInPlace(path string, off, n int64, rng *rand.Rand) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		f.Close()
		return err
	}
	if _, err := io.CopyN(f, randReader{rng}, n); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type randReader struct{ r *rand.Rand }

func (r randReader) Read(p []byte) (int, error) {
	for i := 0; i < len(p); i += 8 {
		v := r.r.Uint64()
		for j := 0; j < 8 && i+j < len(p); j++ {
			p[i+j] = byte(v >> (8 * j))
		}
	}
	return len(p), nil
}

// crcTable is COS's CRC-64 (ECMA-182 polynomial, reflected, inverted: what
// x-cos-hash-crc64ecma carries); Go's crc64 with the ECMA table computes it.
var crcTable = crc64.MakeTable(crc64.ECMA)

// fileSums returns a file's size, SHA-256 (hex) and COS CRC-64.
func fileSums(path string) (int64, string, uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", 0, err
	}
	defer f.Close()
	h, c := sha256.New(), crc64.New(crcTable)
	n, err := io.Copy(io.MultiWriter(h, c), f)
	return n, hex.EncodeToString(h.Sum(nil)), c.Sum64(), err
}

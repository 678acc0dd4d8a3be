package uploader

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"
)

// putPart records one acknowledged part in the loop's transaction.
func putPart(tx *bolt.Tx, id TaskID, p partRecord) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketParts).Put(partKey(id, p.Number), b)
}

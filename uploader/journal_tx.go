package uploader

import (
	"encoding/json"
	"errors"

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

var errNoRecord = errors.New("the journal has no record of this task")

// getRecord reads one task's record in tx.
func getRecord(tx *bolt.Tx, id TaskID) (*record, error) {
	v := tx.Bucket(bucketTasks).Get(idKey(id))
	if v == nil {
		return nil, errNoRecord
	}
	r := new(record)
	if err := decodeRecord(v, r); err != nil { // copies: v lives only as long as tx
		return nil, err
	}
	return r, nil
}

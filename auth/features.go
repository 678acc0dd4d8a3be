package auth

import "strings"

// Feature is a CosDrop feature and the COS actions (CAM API names) it
// needs. Tencent's sample STS servers grant only PutObject, PostObject,
// InitiateMultipartUpload, ListMultipartUploads, ListParts, UploadPart and
// CompleteMultipartUpload; the features that need more are listed here so
// the probe can tell an administrator what their policy costs.
type Feature struct {
	ID      string // stable: "skip-identical"; its message code is "probe-feature-" + ID
	Actions []string
}

// Features lists every feature with the actions it needs.
var Features = []Feature{
	{"upload", []string{"PutObject"}},
	{"large-files", []string{"InitiateMultipartUpload", "UploadPart", "CompleteMultipartUpload"}},
	{"resume", []string{"ListMultipartUploads", "ListParts"}},
	// Rename and ask need no HeadObject: every write carries
	// x-cos-forbid-overwrite, and COS's refusal is where they apply.
	{"skip-identical", []string{"HeadObject"}},
	{"lost-complete", []string{"HeadObject"}},
	{"cancel-cleanup", []string{"AbortMultipartUpload"}},
	{"share-links", []string{"GetObject"}},
}

// featureWords are the English texts of the feature codes, for the
// administrator: what stops working, and what the policy lacks.
var featureWords = map[string]string{
	"upload":         "Uploading files does not work: the policy lacks {{.Actions}}.",
	"large-files":    "Files larger than the part size cannot be uploaded: the policy lacks {{.Actions}}.",
	"resume":         "An interrupted large upload starts over instead of resuming: the policy lacks {{.Actions}}.",
	"skip-identical": "\"Skip identical files\" cannot compare a file with the one already in the bucket: the policy lacks {{.Actions}}.",
	"lost-complete":  "A large upload whose last answer from COS was lost is reported as done but not verified: the policy lacks {{.Actions}}.",
	"share-links":    "Share links cannot be made: a link signed with these credentials would not open, because the policy lacks {{.Actions}}.",
	"cancel-cleanup": "Cancelling a large upload cannot delete the parts already sent; they stay in the bucket, and cost storage, until a lifecycle rule removes them: the policy lacks {{.Actions}}.",
}

// FeatureCode is the message code of a feature that will not work.
func FeatureCode(id string) Code { return Code("probe-feature-" + id) }

// FeatureLoss is a feature that will not work with the probed
// credentials.
type FeatureLoss struct {
	Feature string   // Feature.ID
	Missing []string // the denied actions it needs
	Message Message  // FeatureCode(Feature), parameter Actions
}

// LostFeatures lists, in Features order, each feature that needs an
// action COS denied in this probe.
func (r ProbeReport) LostFeatures() []FeatureLoss {
	denied := map[string]bool{}
	for _, res := range r.Results {
		if res.Status == Denied {
			denied[res.Action] = true
		}
	}
	var out []FeatureLoss
	for _, f := range Features {
		var missing []string
		for _, a := range f.Actions {
			if denied[a] {
				missing = append(missing, a)
			}
		}
		if len(missing) > 0 {
			out = append(out, FeatureLoss{Feature: f.ID, Missing: missing,
				Message: msg(FeatureCode(f.ID), "Actions", strings.Join(missing, ", "))})
		}
	}
	return out
}

func init() {
	for id, w := range featureWords {
		templates[FeatureCode(id)] = w
	}
}

package session

import "cosdrop/uploader"

func uploaderTaskError(code string) uploader.TaskError { return uploader.TaskError{Code: code} }

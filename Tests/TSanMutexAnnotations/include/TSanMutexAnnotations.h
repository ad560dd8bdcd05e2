// No declarations: the target only contributes the ThreadSanitizer annotations in
// MutexHandleAnnotations.c to the test binary it is linked into.

// Tells ThreadSanitizer when Synchronization's `Mutex` changes hands on Linux.
//
// `Mutex.withLock` locks and unlocks with an inlined compare-exchange, which TSan sees, and falls
// back under contention to `_MutexHandle._lockSlow` / `_tryLockSlow` / `_unlockSlow` in
// libswiftSynchronization.so: an uninstrumented spin and a FUTEX_LOCK_PI / FUTEX_UNLOCK_PI system
// call, in which the kernel hands the lock to a waiter. TSan sees neither, so every contended
// `Mutex` looks like a data race between the code it guards (a three-thread counter under
// `Mutex<Int>` is enough to show it). These definitions take the place of the three slow paths for
// the test binary, call the library's own, and report the hand-over with `__tsan_release` /
// `__tsan_acquire` on the lock's address, where the inlined fast path already synchronises.
// Only code that really holds the lock gains an ordering: a race outside the lock is still reported.
//
// Compiled only into a ThreadSanitizer build on Linux (`make sanitize-thread`); empty otherwise.
// On Darwin, `Mutex` is an `os_unfair_lock`, which TSan intercepts.
#if defined(__linux__) && defined(__has_feature)
#if __has_feature(thread_sanitizer)

#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sanitizer/tsan_interface.h>

// The slow paths take the handle as Swift's `self` (register r13 on x86_64), so they are declared
// with the Swift calling convention and `self` as the context parameter.
#define SWIFTCALL __attribute__((swiftcall))
#define SWIFT_SELF __attribute__((swift_context))

#define LOCK_SLOW "$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF"
#define TRY_LOCK_SLOW "$s15Synchronization12_MutexHandleV12_tryLockSlowSbyF"
#define UNLOCK_SLOW "$s15Synchronization12_MutexHandleV11_unlockSlowyyF"

typedef SWIFTCALL void (*LockSlow)(uint32_t threadID, void *SWIFT_SELF handle);
typedef SWIFTCALL bool (*TryLockSlow)(void *SWIFT_SELF handle);
typedef SWIFTCALL void (*UnlockSlow)(void *SWIFT_SELF handle);

static LockSlow libraryLockSlow;
static TryLockSlow libraryTryLockSlow;
static UnlockSlow libraryUnlockSlow;

static void *librarySymbol(const char *name) {
    void *symbol = dlsym(RTLD_NEXT, name);
    if (symbol == NULL) {
        // A statically linked Synchronization cannot be wrapped this way; stop rather than guess.
        fprintf(stderr, "TSanMutexAnnotations: %s not found in a later library\n", name);
        abort();
    }
    return symbol;
}

// Resolved before `main`, while only one thread runs.
__attribute__((constructor)) static void resolveLibrarySlowPaths(void) {
    libraryLockSlow = (LockSlow)librarySymbol(LOCK_SLOW);
    libraryTryLockSlow = (TryLockSlow)librarySymbol(TRY_LOCK_SLOW);
    libraryUnlockSlow = (UnlockSlow)librarySymbol(UNLOCK_SLOW);
}

SWIFTCALL void annotatedLockSlow(uint32_t threadID, void *SWIFT_SELF handle) __asm__(LOCK_SLOW);
SWIFTCALL void annotatedLockSlow(uint32_t threadID, void *SWIFT_SELF handle) {
    libraryLockSlow(threadID, handle);
    __tsan_acquire(handle);
}

SWIFTCALL bool annotatedTryLockSlow(void *SWIFT_SELF handle) __asm__(TRY_LOCK_SLOW);
SWIFTCALL bool annotatedTryLockSlow(void *SWIFT_SELF handle) {
    bool locked = libraryTryLockSlow(handle);
    if (locked) __tsan_acquire(handle);
    return locked;
}

SWIFTCALL void annotatedUnlockSlow(void *SWIFT_SELF handle) __asm__(UNLOCK_SLOW);
SWIFTCALL void annotatedUnlockSlow(void *SWIFT_SELF handle) {
    __tsan_release(handle);
    libraryUnlockSlow(handle);
}

#endif
#endif

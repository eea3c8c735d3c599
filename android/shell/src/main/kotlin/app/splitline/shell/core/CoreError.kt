package app.splitline.shell.core

import uniffi.splitline_bindings.SplitlineException

/**
 * Why a call into the core failed, in the app's terms. The generated
 * `SplitlineException` stays inside the shell; screens see only this.
 * [code] is the gateway's machine-readable code where it sent one.
 */
sealed class CoreError(message: String, val code: String?) : Exception(message) {
    /** The network refused the address or password. */
    class Refused(details: String, code: String?) : CoreError(details, code)

    /** The gateway could not be reached; the core goes on trying. */
    class Unreachable(details: String, code: String?) : CoreError(details, code)

    /** The gateway asks to wait [retryAfterSecs] seconds (null if it did not say). */
    class RateLimited(details: String, code: String?, val retryAfterSecs: ULong?) : CoreError(details, code)

    /** No such contact, chat, room or call. */
    class NotFound(details: String, code: String?) : CoreError(details, code)

    /** The gateway or the policy does not allow it. */
    class Forbidden(details: String, code: String?) : CoreError(details, code)

    /** An argument is not valid (for example an address without a domain). */
    class Invalid(details: String, code: String?) : CoreError(details, code)

    /** No route can carry this call; [details] says why. */
    class CallNotPossible(details: String, code: String?) : CoreError(details, code)

    /** The local store failed (full disk, a damaged file). */
    class Storage(details: String) : CoreError(details, null)

    /** The core's native library could not be loaded (a broken install). */
    class CoreMissing(details: String) : CoreError(details, null)

    /** A bug in the core. */
    class Internal(details: String) : CoreError(details, null)
}

/** The app's error for one of the core's. */
internal fun SplitlineException.toCoreError(): CoreError =
    when (this) {
        is SplitlineException.AuthFailed -> CoreError.Refused(details, code)
        is SplitlineException.Offline -> CoreError.Unreachable(details, code)
        is SplitlineException.RateLimited -> CoreError.RateLimited(details, code, retryAfterSecs)
        is SplitlineException.NotFound -> CoreError.NotFound(details, code)
        is SplitlineException.Forbidden -> CoreError.Forbidden(details, code)
        is SplitlineException.Invalid -> CoreError.Invalid(details, code)
        is SplitlineException.CallNotPossible -> CoreError.CallNotPossible(details, code)
        is SplitlineException.Storage -> CoreError.Storage(details)
        is SplitlineException.Internal -> CoreError.Internal(details)
    }

/**
 * Runs a call into the core (suspending or not), with its exceptions as a
 * failed [Result] holding a [CoreError]. Anything else (a bug in Kotlin) is
 * thrown on.
 */
internal inline fun <T> coreResult(block: () -> T): Result<T> =
    try {
        Result.success(block())
    } catch (e: SplitlineException) {
        Result.failure(e.toCoreError())
    } catch (e: LinkageError) {
        // JNA's UnsatisfiedLinkError, or the bindings' class failing to
        // initialise because of it (ExceptionInInitializerError and later
        // NoClassDefFoundError).
        Result.failure(CoreError.CoreMissing(e.toString()))
    }
